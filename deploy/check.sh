#!/usr/bin/env bash
# The deployment, run for real on this machine (make deploy-check; not part of make test).
#
# From nothing (no stack, no volumes, no app images; --from-scratch also rebuilds the local
# base images without the build cache) it builds the images from the local bases, brings the
# stack up, onboards the sample portal and disclosure platform with `sites discover`, runs the
# nights' crawls through the scheduler's own jobs, prints the monthly report and opens the
# console's login page; then it checks what operations do to a stack:
#   - docker-compose restart in the middle of a crawl: the crawl recorded killed, resumed the
#     next night, every post stored once and none lost;
#   - a scheduler container killed: back by its restart policy, the jobs not doubled;
#   - an upgrade: a new image with a new migration, applied by `migrate`, the data kept;
#   - a backup (the backup service's schedule, its retention count) restored into a fresh
#     stack: the same monthly report byte for byte.
# Each step prints its time; the end prints the images' sizes and every step's time again.
#
# Needs: root, docker (dockerd running), docker-compose 1.29+, debootstrap (for the local
# bases), curl, and `make setup` done (the sample sites run on the host with uv).
# Environment: EGOV_CHECK_PROJECT (compose project name, default egovcheck),
# EGOV_CHECK_KEEP=1 (leave the stack running at the end), EGOV_BUILD_CA_CERTS (see .env.example;
# default: the CAs this machine added in /usr/local/share/ca-certificates).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROJECT=${EGOV_CHECK_PROJECT:-egovcheck}
WORK=$(mktemp -d /tmp/egov-deploy-check.XXXXXX)
ENV_FILE=$WORK/.env
SCRATCH=${1:-}
PORTAL_URL=http://127.0.0.1:18012/
DISCLOSURE_URL=http://127.0.0.1:18013/
CHECK_SCHEDULES=/app/var/check-schedules.toml
SAMPLES_PID=
STEP=0
SUMMARY=()
export EGOV_TAG=latest

# ---------------------------------------------------------------- helpers
compose() {
    docker-compose --project-directory "$ROOT" -f "$ROOT/docker-compose.yml" \
        --env-file "$ENV_FILE" -p "$PROJECT" "$@"
}
cid() { compose ps -q "$1"; }
state() {
    docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' \
        "$(cid "$1")"
}
sql() { compose exec -T db psql -U egov -d egov -Atc "$1"; }
app() { compose exec -T scheduler "$@"; }
fail() { echo "FAILED: $*" >&2; exit 1; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

step() {
    finish_step
    STEP=$((STEP + 1))
    STEP_NAME=$1
    STEP_T0=$(now_ms)
    echo
    echo "== [$STEP] $STEP_NAME"
}
finish_step() {
    if [ -n "${STEP_NAME:-}" ]; then
        local ms=$(($(now_ms) - STEP_T0))
        local line
        line=$(printf '%3d  %7.1fs  %s' "$STEP" "$(echo "$ms" | awk '{print $1 / 1000}')" "$STEP_NAME")
        SUMMARY+=("$line")
        echo "   done in $(echo "$ms" | awk '{printf "%.1f", $1 / 1000}')s"
        STEP_NAME=
    fi
}

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...: until COMMAND succeeds
    local limit=$1 what=$2
    shift 2
    local deadline=$(($(date +%s) + limit))
    until "$@" >/dev/null 2>&1; do
        [ "$(date +%s)" -lt "$deadline" ] || fail "$what: not within ${limit}s"
        sleep 2
    done
}
is_healthy() { [ "$(state "$1")" = healthy ]; }
wait_healthy() {
    for service in "$@"; do
        wait_for 240 "$service healthy" is_healthy "$service"
        echo "   $service: healthy"
    done
}

portal_posts() {
    sql "select p.canonical_url from portal_posts p join sites s on s.id = p.site_id
         where s.key = 'demo-portal' order by 1"
}
crawl() {  # crawl JOB: the scheduler's own job, run now inside the scheduler container
    local job=$1 out
    for _ in 1 2 3 4 5 6; do
        out=$(app schedules --file "$CHECK_SCHEDULES" run-once "$job" 2>&1) || {
            echo "$out" | tail -5
            fail "$job"
        }
        echo "$out" | tail -1 | cut -c1-200
        # A lock still held by a crawl that died with its container expires after its TTL.
        echo "$out" | tail -1 | grep -q "'status': 'skipped'" || return 0
        sleep 10
    done
    fail "$job: skipped six times (lock never released)"
}
report() {  # the monthly report as the stack prints it, at the check's fixed cut-off
    app scoring monthly-report --month 2012-12 --cutoff "$CUTOFF"
}

cleanup() {
    local status=$?
    finish_step
    [ -z "$SAMPLES_PID" ] || kill "$SAMPLES_PID" 2>/dev/null || true
    if [ "$status" -ne 0 ]; then
        echo
        echo "deploy check FAILED (status $status); the stack is left running for a look:"
        echo "  docker-compose --project-directory $ROOT --env-file $ENV_FILE -p $PROJECT ps"
        echo "  (logs: ... logs scheduler; work files: $WORK)"
    elif [ "${EGOV_CHECK_KEEP:-}" != 1 ]; then
        compose down -v --remove-orphans >/dev/null 2>&1 || true
        docker image prune -f >/dev/null 2>&1 || true  # the build stages' leftovers
    fi
}
trap cleanup EXIT

# ---------------------------------------------------------------- from nothing
step "from nothing: no stack, no volumes, no app images${SCRATCH:+ (and no base images, no build cache)}"
cp "$ROOT/.env.example" "$ENV_FILE"
password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
mkdir -p "$WORK/backups" && chown 10001 "$WORK/backups"
cat >> "$ENV_FILE" <<EOF

# deploy/check.sh: offline bases, a fresh password, fast health checks, two backups kept
POSTGRES_PASSWORD=$password
EGOV_PYTHON_BASE=egov-python:3.11
EGOV_POSTGRES_IMAGE=egov-postgres:15
EGOV_SITES_DIR=/app/var/sites
EGOV_HEALTHCHECK_INTERVAL=5s
EGOV_BACKUP_DIR=$WORK/backups
EGOV_BACKUP_INTERVAL_SECONDS=3600
EGOV_BACKUP_KEEP=2
EGOV_HEARTBEAT_LIMIT_SECONDS=60
EOF
compose down -v --remove-orphans >/dev/null 2>&1 || true
for image in egov-watch:latest egov-watch:check-upgrade egov-watch-backup:latest \
    egov-watch-backup:check-upgrade; do
    docker image rm -f "$image" >/dev/null 2>&1 || true
done
if [ "$SCRATCH" = --from-scratch ]; then
    docker image rm -f egov-python:3.11 egov-postgres:15 egov-base:bookworm >/dev/null 2>&1 || true
    docker builder prune -af >/dev/null 2>&1 || true
fi
for port in 18012 18013 55432 8800; do
    if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then fail "port $port is in use"; fi
done

step "local base images (deploy/base/build.sh: debootstrap bookworm, python3.11, postgresql-15)"
"$ROOT/deploy/base/build.sh"

step "build the app and backup images from the local bases (uv sync from uv.lock)"
if [ -z "${EGOV_BUILD_CA_CERTS:-}" ] && ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
    EGOV_BUILD_CA_CERTS=$(cat /usr/local/share/ca-certificates/*.crt)
    export EGOV_BUILD_CA_CERTS
    echo "   trusting this machine's added CAs in the build stage (/usr/local/share/ca-certificates)"
fi
compose build ${SCRATCH:+--no-cache} 2>&1 | grep -E '^(Step|Successfully|Service)' | grep -v ' : ' || true
docker image inspect egov-watch:latest egov-watch-backup:latest >/dev/null || fail "images not built"

step "the images: non-root, no secret or build CA in a layer"
for image in egov-watch:latest egov-watch-backup:latest; do
    user=$(docker run --rm --network none --entrypoint id "$image" -u)
    [ "$user" != 0 ] || fail "$image runs as root"
    if docker history --no-trunc "$image" | grep -q "$password"; then fail "$image holds the password"; fi
    echo "   $image: uid $user, $(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1 / 1e6}')"
done
docker run --rm --network none --entrypoint sh egov-watch:latest \
    -c '! test -e /etc/build-ca.pem && ! test -e /app/.venv/bin/uv && ! command -v uv' \
    || fail "the build stage's CA bundle or uv reached the final image"

step "serve the sample portal and disclosure platform on 127.0.0.1 (deploy/serve_samples.py)"
(cd "$ROOT" && exec python3 -m uv run --frozen python deploy/serve_samples.py --delay 0.2 \
    --posts "$WORK/truth-posts.txt") \
    > "$WORK/samples.json" 2> "$WORK/samples.log" &
SAMPLES_PID=$!
wait_for 120 "sample sites" grep -q portal_posts "$WORK/samples.json"
truth_posts=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["portal_posts"])' < "$WORK/samples.json")
truth_documents=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["disclosure_documents"])' < "$WORK/samples.json")
echo "   portal: $truth_posts posts, disclosure platform: $truth_documents documents"

step "docker-compose up -d: db, migrate, scheduler, console, backup"
compose up -d 2>&1 | sed 's/^/   /'
[ "$(docker inspect -f '{{.State.ExitCode}}' "$(cid migrate)")" = 0 ] || fail "migrate failed"
wait_healthy db scheduler console backup
# The crawl workers and broker of the many-sites issue: once they are in docker-compose.yml,
# wait for them here and, in "a killed container" below, kill a worker as the scheduler is.
echo "   crawl workers and broker: not in this stack yet (many-sites issue) - SKIPPED"

step "the console's login page"
code=$(curl -s -o "$WORK/login.html" -w '%{http_code}' http://127.0.0.1:8800/login)
[ "$code" = 200 ] || fail "GET /login answered $code"
echo "   GET http://127.0.0.1:8800/login: $code, $(wc -c < "$WORK/login.html") bytes"

step "onboard the sample sites with sites discover (profiles in the var volume)"
app mkdir -p /app/var/sites
app sites discover "$PORTAL_URL" --kind portal --key demo-portal | sed 's/^/   /'
app sites discover "$DISCLOSURE_URL" --kind disclosure --key demo-xxgk | sed 's/^/   /'
# The check's schedules: the bundled file with a short crawl lock, so that the lock of a crawl
# that died with its container expires in seconds rather than minutes.
sed -e 's/^lock_ttl_seconds = .*/lock_ttl_seconds = 15/' \
    -e 's/^lock_renew_seconds = .*/lock_renew_seconds = 5/' "$ROOT/schedules/schedules.toml" |
    app sh -c "cat > $CHECK_SCHEDULES"
compose restart scheduler >/dev/null 2>&1  # the scheduler stores the new sites' jobs on start
wait_healthy scheduler
app schedules list --format csv | grep -E '^(job|crawl-demo)' | sed 's/^/   /'

step "night 1: crawl-demo-portal, docker-compose restart in the middle of it"
app schedules --file "$CHECK_SCHEDULES" run-once crawl-demo-portal > "$WORK/night1.log" 2>&1 &
night1=$!
enough() { [ "$(portal_posts | wc -l)" -ge 100 ]; }
wait_for 300 "100 posts stored" enough
portal_posts > "$WORK/posts-before-restart.txt"
echo "   $(wc -l < "$WORK/posts-before-restart.txt") posts stored; docker-compose restart"
compose restart 2>&1 | sed 's/^/   /'
wait "$night1" 2>/dev/null || true
wait_healthy db scheduler console backup
sql "select r.id, r.status from crawl_runs r join sites s on s.id = r.site_id
     where s.key = 'demo-portal' order by r.id" | sed 's/^/   run /'

step "night 2: crawl-demo-portal resumes, crawl-demo-xxgk"
crawl crawl-demo-portal
crawl crawl-demo-xxgk
runs=$(sql "select r.status || coalesce(': ' || r.finish_reason, '') from crawl_runs r
            join sites s on s.id = r.site_id where s.key = 'demo-portal' order by r.id")
echo "$runs" | sed 's/^/   demo-portal run: /'
[ "$(echo "$runs" | head -1 | cut -d: -f1)" = killed ] || fail "the interrupted crawl is not recorded killed"
[ "$(echo "$runs" | tail -1 | cut -d: -f1)" = finished ] || fail "the next night's crawl did not finish"
portal_posts > "$WORK/posts-after.txt"
stored=$(wc -l < "$WORK/posts-after.txt")
unique=$(sort -u "$WORK/posts-after.txt" | wc -l)
lost=$(comm -23 <(LC_ALL=C sort "$WORK/posts-before-restart.txt") \
    <(LC_ALL=C sort "$WORK/posts-after.txt") | wc -l)
# Every article of the sample, by path, against what the stack stored.
missing=$(comm -23 <(LC_ALL=C sort "$WORK/truth-posts.txt") \
    <(sed 's|^https\?://[^/]*||' "$WORK/posts-after.txt" | LC_ALL=C sort) | wc -l)
listed_twice=$(sql "select count(*) from (select post_id, column_id from post_listings
                    group by 1, 2 having count(*) > 1) d")
echo "   posts: $stored stored ($unique distinct URLs), sample truth $truth_posts;" \
    "$lost of the $(wc -l < "$WORK/posts-before-restart.txt") stored before the restart lost;" \
    "$listed_twice listings doubled; $missing of the sample's articles missing"
[ "$stored" = "$truth_posts" ] && [ "$unique" = "$stored" ] && [ "$lost" = 0 ] &&
    [ "$missing" = 0 ] &&
    [ "$listed_twice" = 0 ] || fail "posts lost or doubled"
documents=$(sql "select count(*) from disclosure_documents d join sites s on s.id = d.site_id
                 where s.key = 'demo-xxgk'")
echo "   documents: $documents stored, sample truth $truth_documents"
[ "$documents" = "$truth_documents" ] || fail "documents lost or doubled"

step "the monthly report from the stack (scoring monthly-report --month 2012-12)"
CUTOFF=$(date -u +%Y-%m-%dT%H:%M:%S+00:00)
report > "$WORK/report-1.txt"
head -12 "$WORK/report-1.txt"
echo "   ... ($(wc -l < "$WORK/report-1.txt") lines in all: $WORK/report-1.txt)"

step "a killed scheduler container: back by its restart policy, jobs not doubled"
jobs_before=$(sql "select id from apscheduler_jobs order by id")
container=$(cid scheduler)
restarts=$(docker inspect -f '{{.RestartCount}}' "$container")
kill -KILL "$(docker inspect -f '{{.State.Pid}}' "$container")"  # as the OOM killer would
restarted() { [ "$(docker inspect -f '{{.RestartCount}}' "$container")" -gt "$restarts" ]; }
wait_for 120 "scheduler restarted" restarted
wait_healthy scheduler
jobs_after=$(sql "select id from apscheduler_jobs order by id")
[ "$jobs_before" = "$jobs_after" ] || fail "the job store changed: $jobs_before / $jobs_after"
listed=$(app schedules list --format csv | tail -n +2 | cut -d, -f1)
[ "$(echo "$listed" | sort | uniq -d)" = "" ] || fail "a job listed twice"
running=$(docker ps -q --filter "label=com.docker.compose.project=$PROJECT" \
    --filter label=com.docker.compose.service=scheduler | wc -l)
[ "$running" = 1 ] || fail "$running scheduler containers"
echo "   restart count $restarts -> $(docker inspect -f '{{.RestartCount}}' "$container");" \
    "$(echo "$jobs_after" | wc -l) jobs stored, each once; one scheduler container"

step "an upgrade: a new image with a new migration, applied by migrate, the data kept"
head=$(cd "$ROOT" && python3 -m uv run --frozen alembic heads 2>/dev/null | awk '{print $1}')
mkdir "$WORK/upgrade"
tar -C "$ROOT" --exclude=./.venv --exclude=./var --exclude=./.git -c . | tar -C "$WORK/upgrade" -x
cat > "$WORK/upgrade/db/migrations/versions/9901_deploy_check.py" <<EOF
"""deploy check: a trivial migration that only an upgraded image has."""

import sqlalchemy as sa
from alembic import op

revision = "9901"
down_revision = "$head"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("deploy_check_upgrade", sa.Column("id", sa.Integer, primary_key=True))


def downgrade() -> None:
    op.drop_table("deploy_check_upgrade")
EOF
# The dependency layer comes from the build cache of step 3: only the project is rebuilt.
docker build --network host --build-arg PYTHON_BASE=egov-python:3.11 \
    --build-arg EXTRA_CA_CERTS="${EGOV_BUILD_CA_CERTS:-}" \
    -t egov-watch:check-upgrade "$WORK/upgrade" > "$WORK/upgrade-build.log" 2>&1 ||
    { tail -20 "$WORK/upgrade-build.log"; fail "the upgraded image did not build"; }
docker tag egov-watch-backup:latest egov-watch-backup:check-upgrade
posts_before=$(sql "select count(*) from portal_posts")
EGOV_TAG=check-upgrade
export EGOV_TAG
compose up -d 2>&1 | sed 's/^/   /'
[ "$(docker inspect -f '{{.State.ExitCode}}' "$(cid migrate)")" = 0 ] || fail "migrate failed"
wait_healthy db scheduler console backup
version=$(sql "select version_num from alembic_version")
[ "$version" = 9901 ] || fail "alembic_version is $version after the upgrade"
[ "$(docker inspect -f '{{.Config.Image}}' "$(cid scheduler)")" = egov-watch:check-upgrade ] ||
    fail "the scheduler does not run the new image"
[ "$(sql "select count(*) from portal_posts")" = "$posts_before" ] || fail "posts changed"
report > "$WORK/report-upgraded.txt"
# The report after the upgrade is the next score run: all but that line must be the same.
diff <(grep -v '^评分记录' "$WORK/report-1.txt") <(grep -v '^评分记录' "$WORK/report-upgraded.txt") ||
    fail "the report changed with the upgrade"
echo "   $head -> $version; $posts_before posts kept; the report the same"

step "backups: the backup service's schedule and its retention count (2 kept)"
wait_for 60 "first scheduled backup" sh -c "ls '$WORK/backups' | grep -q '\\.dump\$'"
compose exec -T backup backup.sh once | sed 's/^/   /'
sleep 1
compose exec -T backup backup.sh once | sed 's/^/   /'
sets=$(compose exec -T backup backup.sh list)
echo "$sets" | sed 's/^/   kept: /'
[ "$(echo "$sets" | wc -l)" = 2 ] || fail "retention: $(echo "$sets" | wc -l) sets kept, not 2"
latest=$(echo "$sets" | tail -1)
ls -l "$WORK/backups" | sed 's/^/   /'
# The report at the moment of the backup: the restored stack must print exactly this.
report > "$WORK/report-at-backup.txt"

step "restore into a fresh stack (docker-compose down -v, then backup.sh restore $latest)"
compose down -v 2>&1 | sed 's/^/   /'
compose up -d db 2>&1 | sed 's/^/   /'
wait_healthy db
compose run --rm --no-deps -T backup backup.sh restore "$latest" | sed 's/^/   /'
compose up -d 2>&1 | sed 's/^/   /'
wait_healthy db scheduler console backup
report > "$WORK/report-restored.txt"
# The restored database continues the score runs where the backup left them, so the fresh
# report is the same score run as the one printed just after the backup, byte for byte.
echo "   before: $(wc -c < "$WORK/report-at-backup.txt") bytes, sha256 $(sha256sum < "$WORK/report-at-backup.txt" | cut -c1-16)"
echo "   after:  $(wc -c < "$WORK/report-restored.txt") bytes, sha256 $(sha256sum < "$WORK/report-restored.txt" | cut -c1-16)"
cmp "$WORK/report-at-backup.txt" "$WORK/report-restored.txt" || fail "the restored report differs"
echo "   the same monthly report, byte for byte"
[ "$(app ls /app/var/sites | sort | tr '\n' ' ')" = "demo-portal.toml demo-xxgk.toml " ] ||
    fail "the site profiles did not come back with the var volume"
code=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8800/login)
[ "$code" = 200 ] || fail "the restored console's login page answered $code"
finish_step

echo
echo "== images"
docker image ls --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' |
    grep -E '^egov-(watch|watch-backup|python|postgres|base):' | sort | sed 's/^/   /'
echo
echo "== steps"
printf '%s\n' "${SUMMARY[@]}"
echo
echo "deploy check passed (work files: $WORK)"
