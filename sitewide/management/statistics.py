from django.db import DEFAULT_DB_ALIAS, connections


def analyze(using: str = DEFAULT_DB_ALIAS) -> None:
    """Update SQLite's query planner statistics after a bulk load. SQLite never gathers
    them itself, and without them it takes the index with the most columns it can match
    and sorts an edition's list, rather than reading it in order off its edition index
    (Article.Meta). PostgreSQL's autovacuum gathers its own; an ANALYZE inside a
    transaction there (a test's) leaves its row estimates behind when it rolls back."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
