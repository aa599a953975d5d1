#!/bin/sh
# Backups of an egov-watch stack: the evidence database (pg_dump, custom format) and the var
# volume (site profiles, stored pages, reports, the console's key), as one set in /backups:
#   egov-YYYYmmddTHHMMSSZ.dump  and  egov-YYYYmmddTHHMMSSZ.var.tar.gz
#
#   backup.sh once           take one set now, then keep the newest EGOV_BACKUP_KEEP sets
#   backup.sh loop           the same every EGOV_BACKUP_INTERVAL_SECONDS (the service's command)
#   backup.sh healthy        status 0 while the newest set is younger than two intervals
#   backup.sh list           the sets, oldest first
#   backup.sh restore NAME   restore set NAME (e.g. egov-20261207T201500Z) into an EMPTY
#                            database and var volume: the app services must be stopped
#
# The database connection comes from the libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD,
# PGDATABASE) that the compose file sets from .env.
set -eu
dir=/backups
var=/app/var
keep=${EGOV_BACKUP_KEEP:-14}
interval=${EGOV_BACKUP_INTERVAL_SECONDS:-86400}

say() { echo "$(date -u +%FT%TZ) backup: $*"; }

once() {
    name=egov-$(date -u +%Y%m%dT%H%M%SZ)
    # Written under a temporary name and renamed: a set that is listed is complete.
    pg_dump --format=custom --no-owner --file="$dir/.$name.dump" \
        && tar -C "$var" -czf "$dir/.$name.var.tar.gz" . \
        && mv "$dir/.$name.dump" "$dir/$name.dump" \
        && mv "$dir/.$name.var.tar.gz" "$dir/$name.var.tar.gz" \
        || { rm -f "$dir/.$name".*; say "FAILED $name"; return 1; }
    say "wrote $name ($(du -ch "$dir/$name".* | tail -1 | cut -f1))"
    prune
}

prune() {
    ls "$dir" | sed -n 's/^\(egov-[0-9TZ]*\)\.dump$/\1/p' | sort -r | tail -n +"$((keep + 1))" |
        while read -r old; do
            rm -f "$dir/$old.dump" "$dir/$old.var.tar.gz"
            say "removed $old (keeping the newest $keep)"
        done
}

healthy() {
    newest=$(ls -t "$dir"/egov-*.dump 2>/dev/null | head -1)
    [ -n "$newest" ] || { echo "no backup yet"; return 1; }
    age=$(($(date +%s) - $(stat -c %Y "$newest")))
    [ "$age" -lt $((2 * interval)) ] || { echo "newest backup is ${age}s old"; return 1; }
}

restore() {
    name=${1:?name the set to restore, e.g. egov-20261207T201500Z (backup.sh list)}
    [ -f "$dir/$name.dump" ] && [ -f "$dir/$name.var.tar.gz" ] || { say "no set $name"; exit 1; }
    tables=$(psql -Atc "select count(*) from pg_tables where schemaname = 'public'")
    [ "$tables" = 0 ] || { say "the database is not empty ($tables tables): restore into a fresh one"; exit 1; }
    pg_restore --no-owner --exit-on-error --dbname="$PGDATABASE" "$dir/$name.dump"
    tar -C "$var" -xzf "$dir/$name.var.tar.gz"
    say "restored $name"
}

case "${1:-loop}" in
    once) once ;;
    loop)
        while :; do
            once || true  # a failed set is retried at the next interval; healthy says so
            sleep "$interval"
        done
        ;;
    healthy) healthy ;;
    list) ls "$dir" | sed -n 's/^\(egov-[0-9TZ]*\)\.dump$/\1/p' | sort ;;
    restore) restore "${2:-}" ;;
    *) echo "usage: backup.sh once|loop|healthy|list|restore NAME" >&2; exit 2 ;;
esac
