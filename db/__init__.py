"""Evidence database: models, engine and the vocabulary shared by the crawler and the scoring.

Dependencies point one way: ``crawler`` and ``scoring`` import ``db``; ``db`` imports neither.
"""
