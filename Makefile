# The two commands a newcomer runs on a fresh machine (see README.md):
#   make demo   set up, start the bundled sample sites, crawl them into var/evidence.sqlite,
#               and print the monthly report
#   make test   set up and run the whole test suite (SQLite and the PostgreSQL on 127.0.0.1)
UV := python3 -m uv

.PHONY: setup demo test test-fast lint deploy-check

# Bytecode is compiled once here (dependencies and the project's own modules), as the Dockerfile
# does: with PYTHONDONTWRITEBYTECODE set, or a read-only tree, each crawl process would otherwise
# compile every module it imports again (about a second of CPU per crawl).
setup:
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen --compile-bytecode
	$(UV) run python -m compileall -q crawler db scoring schedules samplesites
	$(UV) run pybabel compile --statistics -D console -d scoring/console/locale

demo: setup
	$(UV) run schedules demo

test: setup
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run pytest

# The suite without the tests marked slow (whole crawls of the larger samples): minutes, not tens.
test-fast: setup
	$(UV) run pytest -m "not slow"

lint: setup
	$(UV) run ruff check . && $(UV) run ruff format --check .

# The deployment run for real: images from local bases, the stack through a night, restarted,
# killed, upgraded, backed up and restored (deploy/check.sh; needs root and a Docker engine;
# minutes, so not part of make test). docs/deployment.md explains each step.
deploy-check: setup
	deploy/check.sh
