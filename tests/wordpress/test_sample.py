"""The real export the WordPress theme team publishes (tests/wordpress/exports), end to end."""

import io
import re
from pathlib import Path

from django.core.management import call_command
from django.test import Client, TestCase

from blog.models import Article
from comments.models import Comment
from tests.wordpress.helpers import author, comment, export, item, run, run_file

SAMPLE = Path(__file__).parent / "exports" / "theme-preview.xml"
DUMPED = [
    "accounts.user",
    "blog.article",
    "blog.category",
    "taggit.tag",
    "taggit.taggeditem",
    "comments.comment",
    "wordpress.importrecord",
    "wordpress.oldaddress",
]


def dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", *DUMPED, format="json", indent=1, stdout=out)
    return out.getvalue()


class SampleExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.first_output, _ = run_file(SAMPLE)
        cls.first_dump = dump()

    def test_it_imports_the_seven_posts_and_their_comments(self):
        self.assertEqual(Article.objects.count(), 7)
        self.assertEqual(Comment.objects.count(), 2)
        self.assertIn("Imported: 9 categories, 1 author, 7 posts, 2 comments", self.first_output)
        # Its one image lives on wordpress.com, with no copy here: reported, never shown.
        self.assertIn("https://wpdotorg.files.wordpress.com/2008/11/boat.jpg", self.first_output)

    def test_importing_it_again_gives_the_same_database(self):
        out, _ = run_file(SAMPLE)
        self.assertIn("Imported: nothing", out)
        self.assertEqual(dump(), self.first_dump)

    def test_every_post_renders_with_its_comments_counted(self):
        for article in Article.objects.all():
            with self.subTest(article.slug):
                response = self.client.get(f"/en/articles/{article.slug}/")
                self.assertEqual(response.status_code, 200)
                approved = list(article.comments.all())
                self.assertEqual(article.comment_count, len(approved))
                label = {0: "No comments", 1: "1 comment"}.get(len(approved))
                self.assertContains(response, label or f"{len(approved)} comments")
                for stored in approved:
                    self.assertContains(response, stored.body_html, html=True)
                self.assertNotContains(response, "wpdotorg.files.wordpress.com")
                self.assertNotContains(response, "@example.com")

    def test_every_article_page_is_the_same_bytes_for_everyone_without_inline_code(self):
        for article in Article.objects.all():
            with self.subTest(article.slug):
                # The first page since the cache was emptied starts its count, unkept.
                Client().get(article.get_absolute_url())
                first = Client().get(article.get_absolute_url())
                second = Client().get(article.get_absolute_url())
                self.assertEqual(first.content, second.content)
                self.assertEqual(first.cookies, {})
                self.assertIn("public", first["Cache-Control"])
                page = first.content.decode()
                self.assertNotIn("style=", page)
                scripts = re.findall(r"<script\b([^>]*)>", page)
                self.assertTrue(all("src=" in s or "ld+json" in s for s in scripts), scripts)
                # No third-party request: every image is the site's own.
                for src in re.findall(r'<img[^>]+src="([^"]+)"', page):
                    self.assertTrue(src.startswith("/"), src)

    def test_every_old_permalink_in_the_file_answers_301_to_a_page_that_answers_200(self):
        links = re.findall(r"<link>(https://wp-themes\.com[^<]*)</link>", SAMPLE.read_text())
        links = [link for link in links if link != "https://wp-themes.com"]
        self.assertEqual(len(links), 7)
        for link in links:
            with self.subTest(link):
                old = link.removeprefix("https://wp-themes.com")
                response = self.client.get(old)
                self.assertEqual(response.status_code, 301)
                self.assertEqual(self.client.get(response["Location"]).status_code, 200)


class ThreadedPageTests(TestCase):
    def test_a_deep_thread_renders_one_level_deep_and_counts_the_approved(self):
        run(
            export(
                author(),
                item(1, slug="talk", comments=[
                    comment(1, "First words"),
                    comment(2, "An answer", parent=1, name="Bastien",
                            date_gmt="2020-01-02 11:00:00"),
                    comment(3, "A deeper answer", parent=2, date_gmt="2020-01-02 12:00:00"),
                    comment(4, "Still held", approved="0", date_gmt="2020-01-02 13:00:00"),
                ]),
            )
        )  # fmt: skip
        response = self.client.get("/en/articles/talk/")
        self.assertContains(response, "3 comments")
        self.assertNotContains(response, "Still held")
        replies = re.search(
            r'<ol class="comment-list comment-list--replies">(.*?)</ol>',
            response.content.decode(),
            re.S,
        ).group(1)
        self.assertIn("An answer", replies)
        self.assertIn("A deeper answer", replies)
        self.assertNotIn("First words", replies)
        # The deeper answer names the reply it answered.
        answer = Comment.objects.get(body="An answer")
        self.assertInHTML(
            f'<p class="comment__answers"><a href="#comment-{answer.pk}">'
            "In reply to Bastien</a></p>",
            replies,
        )
