"""``python -m crawler.onboarding`` is the ``sites`` command."""

from crawler.onboarding.cli import main

main()
