"""Around the article's text: reading time, share links, follow links, related articles,
the way to the comment form, and the date that leads to its month."""

import re

from django.test import TestCase

from blog.models import Article
from sitewide.models import SiteSettings
from tests.base import make_article, make_category, make_editor
from tests.blog.helpers import PUBLISHED_AT


class ArticleSurroundingsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.objects.create(
            site_name="Le Carnet",
            facebook_url="https://www.facebook.com/carnet",
            telegram_url="https://t.me/carnet",
        )
        cls.category = make_category(name="Monde", slug="monde")
        words = " ".join(["mot"] * 700)
        cls.article = make_article(
            slug="long-read",
            title="Élections & débats",
            body=f"<p>{words}</p>",
            category=cls.category,
            tags=["Climat", "Énergie"],
            published_at=PUBLISHED_AT,
        )

    def get(self, url: str = "/en/articles/long-read/"):
        return self.client.get(url)

    def test_it_shows_the_reading_time(self):
        # 700 words at 230 a minute
        self.assertContains(self.get(), "3 min read")
        self.assertEqual(Article(body_html="<p>Short.</p>").reading_minutes, 1)

    def test_its_date_links_to_its_month(self):
        self.assertContains(
            self.get(), '<a href="/en/archive/2026/3/"><time datetime="2026-03-14T10:30:00'
        )

    def test_share_links_are_plain_links_to_each_network(self):
        html = self.get().content.decode()
        share = re.search(r'<nav class="share".*?</nav>', html, re.S)[0]
        # The article in its own edition, also shared from the English interface.
        url = "http%3A%2F%2Ftestserver%2Farticles%2Flong-read%2F"
        for href in [
            f"https://www.facebook.com/sharer/sharer.php?u={url}",
            f"https://x.com/intent/post?url={url}&amp;text=%C3%89lections+%26+d%C3%A9bats",
            f"https://t.me/share/url?url={url}&amp;text=",
            "https://wa.me/?text=%C3%89lections+%26+d%C3%A9bats+http",
            "mailto:?subject=%C3%89lections%20%26%20d%C3%A9bats&amp;body=http%3A%2F%2Ftestserver",
        ]:
            with self.subTest(href=href):
                self.assertIn(f'href="{href}', share)
        # Nothing of theirs is loaded: no script, no image, no frame.
        self.assertNotRegex(share, r"<(script|img|iframe)")

    def test_the_follow_links_come_after_the_story(self):
        html = self.get().content.decode()
        follow = html.index('<aside class="follow"')
        self.assertGreater(follow, html.index('<div class="article__body">'))
        self.assertGreater(follow, html.index("</article>"))
        self.assertIn('href="https://t.me/carnet"', html[follow:])

    def test_a_link_by_the_comment_count_leads_to_the_form(self):
        html = self.get().content.decode()
        links = re.search(r'<p class="meta article__comments-link">.*?</p>', html, re.S)[0]
        self.assertIn('<a href="#comments">No comments</a>', links)
        self.assertIn('<a href="#comment-form">Go to the comment form</a>', links)
        self.assertIn('id="comment-form"', html)

    def test_no_link_to_a_form_that_is_not_there(self):
        make_article(slug="closed", comments_open=False)
        response = self.get("/en/articles/closed/")
        self.assertNotContains(response, 'href="#comment-form"')
        self.assertNotContains(response, 'id="comment-form"')


class RelatedArticlesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        author = make_editor()
        world, science = make_category(slug="world"), make_category(slug="science")
        cls.article = make_article(
            slug="subject", author=author, category=world, tags=["A", "B", "C"]
        )
        make_article(slug="two-tags", author=author, category=science, tags=["A", "B"])
        make_article(slug="one-tag-same-category", author=author, category=world, tags=["C"])
        make_article(slug="one-tag", author=author, category=science, tags=["A"])
        make_article(slug="same-category", author=author, category=world)
        make_article(slug="unrelated", author=author, category=science, tags=["Z"])
        make_article(slug="draft", status=Article.Status.DRAFT, author=author, tags=["A", "B"])

    def related(self, count: int = 5) -> list[str]:
        tags = list(self.article.tags.values_list("pk", flat=True))
        related = self.article.related("fr", tags, count=count)
        return [article.slug for article in related]

    def test_shared_tags_come_first_then_the_category(self):
        self.assertEqual(
            self.related(),
            ["two-tags", "one-tag-same-category", "one-tag", "same-category"],
        )

    def test_the_page_shows_three(self):
        response = self.client.get("/articles/subject/")
        self.assertEqual(
            [article.slug for article in response.context["related"]],
            ["two-tags", "one-tag-same-category", "one-tag"],
        )
        self.assertContains(response, 'href="/articles/two-tags/"')

    def test_an_article_without_tags_or_category_has_none(self):
        lonely = make_article(slug="lonely")
        self.assertEqual(lonely.related("fr", []), [])
        self.assertNotContains(self.client.get("/articles/lonely/"), 'class="related"')
