"""HTML and XML renderers of the sample sites, kept apart from their data models."""
