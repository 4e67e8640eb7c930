"""Time `manage.py import_wordpress` on a generated export, on SQLite and PostgreSQL.

Writes a WXR 1.2 file of N posts (classic and block-editor content, categories in a
hierarchy, tags, a featured image on some) with M comments (a third of them replies,
some two levels deep, some held, spam, trashed or pingbacks), then imports it into a
fresh SQLite file and a fresh PostgreSQL database, and prints each time. It asserts
nothing.

Usage:
  .venv/bin/python bench/wordpress.py --posts 10000 --comments 50000
  .venv/bin/python bench/wordpress.py --write-only var/big-export.xml
"""

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SITE = "https://old-news.example"
WORDS = (
    "le la les un une des et à de en pour avec sur dans par nouvelle ville monde rapport "
    "gouvernement accord élection marché culture sport équipe saison école santé climat"
).split()


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def sentence(rng: random.Random, words: int = 14) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def content(rng: random.Random, n: int) -> str:
    paragraphs = [" ".join(sentence(rng) for _ in range(4)) for _ in range(6)]
    if n % 2:
        # Block editor: finished HTML between block comments.
        return "\n\n".join(
            f"<!-- wp:paragraph -->\n<p>{p}</p>\n<!-- /wp:paragraph -->" for p in paragraphs
        )
    paragraphs.insert(
        2,
        f'[caption id="attachment_{n}" width="600"]<img src="{SITE}/wp-content/uploads/'
        f'2020/01/photo-{n}.jpg" alt="Photo {n}" width="600" height="400"> A caption[/caption]',
    )
    return "\n\n".join(p.replace(". ", ".\n", 1) for p in paragraphs)


def comment(rng: random.Random, wp_id: int, parent: int, date: str) -> str:
    approved = rng.choices(["1", "0", "spam", "trash"], [85, 8, 5, 2])[0]
    kind = "pingback" if rng.random() < 0.02 else ""
    return (
        f"<wp:comment><wp:comment_id>{wp_id}</wp:comment_id>"
        f"<wp:comment_author>{cdata(f'Lecteur {wp_id % 997}')}</wp:comment_author>"
        f"<wp:comment_author_email>reader{wp_id % 997}@example.org</wp:comment_author_email>"
        f"<wp:comment_author_url>https://reader{wp_id % 50}.example</wp:comment_author_url>"
        f"<wp:comment_author_IP>203.0.113.{wp_id % 250}</wp:comment_author_IP>"
        f"<wp:comment_date>{date}</wp:comment_date><wp:comment_date_gmt>{date}"
        f"</wp:comment_date_gmt><wp:comment_content>{cdata(sentence(rng, 25))}"
        f"</wp:comment_content><wp:comment_approved>{approved}</wp:comment_approved>"
        f"<wp:comment_type>{kind}</wp:comment_type><wp:comment_parent>{parent}"
        "</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>\n"
    )


def write_export(path: Path, posts: int, comments: int, seed: int = 1) -> None:
    """The export, written as it is generated: memory stays flat whatever its size."""
    rng = random.Random(seed)
    categories = [("news", ""), ("world", "news"), ("europe", "world"), ("sport", ""),
                  ("culture", "")]  # fmt: skip
    tags = [f"tag-{n}" for n in range(200)]
    per_post, extra = divmod(comments, posts)
    comment_id = 1
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            f"<title>Old news</title><link>{SITE}</link><language>fr-FR</language>\n"
            f"<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>{SITE}</wp:base_site_url>"
            f"<wp:base_blog_url>{SITE}</wp:base_blog_url>\n"
        )
        for n in range(1, 6):
            out.write(
                f"<wp:author><wp:author_id>{n}</wp:author_id><wp:author_login>writer{n}"
                f"</wp:author_login><wp:author_email>writer{n}@old-news.example"
                f"</wp:author_email><wp:author_display_name>{cdata(f'Writer {n}')}"
                "</wp:author_display_name></wp:author>\n"
            )
        for slug, parent in categories:
            out.write(
                f"<wp:category><wp:category_nicename>{slug}</wp:category_nicename>"
                f"<wp:category_parent>{parent}</wp:category_parent>"
                f"<wp:cat_name>{slug.title()}</wp:cat_name></wp:category>\n"
            )
        for slug in tags:
            out.write(
                f"<wp:tag><wp:tag_slug>{slug}</wp:tag_slug><wp:tag_name>{slug.title()}"
                "</wp:tag_name></wp:tag>\n"
            )
        for n in range(1, posts + 1):
            day = f"20{10 + n % 14:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}"
            date = f"{day} {n % 24:02d}:{n % 60:02d}:00"
            slug = f"post-number-{n}"
            status = rng.choices(["publish", "draft", "pending", "private"], [90, 5, 3, 2])[0]
            terms = "".join(
                f'<category domain="post_tag" nicename="{t}">{cdata(t.title())}</category>'
                for t in rng.sample(tags, 3)
            )
            category = rng.choice(categories)[0]
            terms += f'<category domain="category" nicename="{category}">{cdata(category)}'
            terms += "</category>"
            thread: list[int] = []
            body = []
            for _ in range(per_post + (1 if n <= extra else 0)):
                parent = rng.choice(thread) if thread and rng.random() < 0.33 else 0
                body.append(comment(rng, comment_id, parent, date))
                thread.append(comment_id)
                comment_id += 1
            out.write(
                f"<item><title>{cdata(f'Post number {n}')}</title>"
                f"<link>{SITE}/{day.replace('-', '/')}/{slug}/</link>"
                f"<dc:creator>writer{1 + n % 5}</dc:creator>"
                f'<guid isPermaLink="false">{SITE}/?p={n}</guid>'
                f"<content:encoded>{cdata(content(rng, n))}</content:encoded>"
                f"<excerpt:encoded>{cdata(sentence(rng))}</excerpt:encoded>"
                f"<wp:post_id>{n}</wp:post_id><wp:post_date>{date}</wp:post_date>"
                f"<wp:post_date_gmt>{date}</wp:post_date_gmt>"
                f"<wp:comment_status>open</wp:comment_status><wp:post_name>{slug}"
                f"</wp:post_name><wp:status>{status}</wp:status><wp:post_parent>0"
                "</wp:post_parent><wp:post_type>post</wp:post_type>"
                f"<wp:is_sticky>{1 if n % 5000 == 0 else 0}</wp:is_sticky>{terms}"
                f"{''.join(body)}</item>\n"
            )
        out.write("</channel>\n</rss>\n")


def time_import(export: Path, database_url: str) -> tuple[float, float]:
    """Seconds of the import: on the clock, and of processor time (the machine may be
    shared: the second is what the import itself cost)."""
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1", "LOG_LEVEL": "WARNING"}
    env["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="carnet-bench-media-")
    manage = [sys.executable, "manage.py"]
    subprocess.run(manage + ["migrate", "-v0"], cwd=ROOT, env=env, check=True)
    start, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(manage + ["import_wordpress", str(export)], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - start, _children_cpu() - cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="importer_bench")
    parser.add_argument("--write-only", type=Path, help="write the export there and stop")
    parser.add_argument("--skip-postgresql", action="store_true")
    args = parser.parse_args()

    if args.write_only:
        write_export(args.write_only, args.posts, args.comments)
        return
    with tempfile.TemporaryDirectory(prefix="carnet-bench-") as folder:
        export = Path(folder) / "export.xml"
        start = time.perf_counter()
        write_export(export, args.posts, args.comments)
        size = export.stat().st_size / 1e6
        print(f"Export of {args.posts} posts, {args.comments} comments: {size:.0f} MB, "
              f"written in {time.perf_counter() - start:.0f} s", file=sys.stderr)  # fmt: skip
        results = [("SQLite", time_import(export, f"sqlite:///{folder}/bench.sqlite3"))]
        if not args.skip_postgresql:
            with psycopg.connect(f"{args.server}/postgres", autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{args.database}"')
                connection.execute(f'CREATE DATABASE "{args.database}"')
            try:
                url = f"{args.server}/{args.database}"
                results.append(("PostgreSQL", time_import(export, url)))
            finally:
                with psycopg.connect(f"{args.server}/postgres", autocommit=True) as connection:
                    connection.execute(f'DROP DATABASE IF EXISTS "{args.database}"')
    for name, (seconds, cpu) in results:
        print(f"{name}: {seconds:.0f} s ({seconds / 60:.1f} min), of which {cpu:.0f} s of CPU")


if __name__ == "__main__":
    main()
