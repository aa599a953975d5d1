"""Allow ``python -m schedules``."""

from schedules.cli import main

main()
