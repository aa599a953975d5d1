"""The spiders: ``portal`` (portal.py) and ``disclosure`` (disclosure.py), one per file."""
