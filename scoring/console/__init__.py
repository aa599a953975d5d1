"""The web console (``scoring serve``): the board, evidence, reviews, entries and reports.

A Starlette application with server-rendered Jinja2 pages and plain HTML forms; see
docs/console.md for the roles, the security measures and how to run it.
"""
