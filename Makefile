# The two commands a newcomer runs on a fresh machine (see README.md):
#   make demo   set up, start the bundled sample sites, crawl them into var/evidence.sqlite,
#               and print the monthly report
#   make test   set up and run the whole test suite (SQLite and the PostgreSQL on 127.0.0.1)
UV := python3 -m uv

.PHONY: setup demo test lint

setup:
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen

demo: setup
	$(UV) run schedules demo

test: setup
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run pytest

lint: setup
	$(UV) run ruff check . && $(UV) run ruff format --check .
