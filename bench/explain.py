"""EXPLAIN (ANALYZE, BUFFERS) every query the public list pages run, as they run them.

Requests each page through Django's test client, captures its SQL, and explains each
query that reads articles, comments or tags. For docs/scale.md, against the database
bench/scale.py built:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/carnet_bench DEBUG=1 \\
      .venv/bin/python bench/explain.py
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from blog.models import Article  # noqa: E402
from blog.sitemaps import ArticleSitemap  # noqa: E402
from demo.content import SEED_SLUG  # noqa: E402

TABLES = ("blog_article", "comments_comment", "taggit_taggeditem")


def main() -> None:
    newest = timezone.localtime(Article.objects.published().first().published_at)
    last_sitemap_page = -(-Article.objects.published().count() // ArticleSitemap.limit)
    pages = {
        "home": "/",
        "category, page 1000": "/category/international/?page=1000",
        "category": "/category/international/",
        "tag": "/tag/diplomatie/",
        "author": "/author/houssen-moshinaly/",
        "archive month": f"/archive/{newest.year}/{newest.month}/",
        "search, rare word": "/search/?q=Talibans",
        "search, common word": "/search/?q=diplomatie",
        "search, without accents": "/search/?q=elections",
        "article with 50 comments": f"/articles/{SEED_SLUG}/",
        "sitemap index": "/sitemap.xml",
        "sitemap articles, last page": f"/sitemap-articles.xml?p={last_sitemap_page}",
    }
    client = Client(HTTP_HOST="localhost")
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        print(f"## {name}: `{url}` ({status})\n")
        for query in queries:
            sql = query["sql"]
            if not sql.startswith("SELECT") or not any(table in sql for table in TABLES):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            print(f"```sql\n{sql}\n```\n```\n{plan}\n```\n")


if __name__ == "__main__":
    main()
