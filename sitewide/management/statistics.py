from django.db import DEFAULT_DB_ALIAS, connections


def analyze(using: str = DEFAULT_DB_ALIAS) -> None:
    """Update the query planner's statistics after a bulk load. PostgreSQL's autovacuum
    would, later; SQLite never does, and without them it takes the index with the most
    columns it can match and sorts an edition's list, rather than reading it in order off
    its edition index (Article.Meta)."""
    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")
