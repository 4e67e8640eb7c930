"""Revisions of articles in the admin: kept on every save, compared, restored."""

import datetime

from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone, translation
from reversion.models import Version

from blog.models import Article
from sitewide.models import SiteSettings
from sitewide.revisions import describe, diff_text, html_as_text
from tests.base import keep_revision, make_article, make_chief_editor, make_contributor, sign_in
from tests.blog.test_admin import article_form_data

Status = Article.Status


def history_url(article) -> str:
    return f"/admin/blog/article/{article.pk}/history/"


class RevisionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.chief = make_chief_editor(display_name="Chief Editor")
        cls.article = make_article(
            author=cls.chief, title="First title", body="<p>The first body.</p>"
        )

    def setUp(self):
        sign_in(self.client, self.chief)

    def save_in_admin(self, **changes):
        response = self.client.post(
            f"/admin/blog/article/{self.article.pk}/change/",
            article_form_data(
                slug=self.article.slug,
                author=self.chief.pk,
                published_at_0="2026-03-14",
                published_at_1="10:00:00",
                **changes,
            ),
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])

    def versions(self):
        return list(Version.objects.get_for_object(self.article).order_by("pk"))

    def test_every_save_in_the_admin_keeps_a_revision_with_its_author_and_changes(self):
        self.save_in_admin(title="Second title")
        self.save_in_admin(title="Second title", body="<p>A new body.</p>")
        versions = self.versions()
        self.assertEqual(len(versions), 2)
        self.assertEqual(versions[1].revision.user, self.chief)
        self.assertEqual(versions[1].field_dict["body"], "<p>A new body.</p>")
        self.assertIn('"body"', versions[1].revision.comment)

    def test_the_history_names_the_changed_fields_in_the_admins_language(self):
        self.save_in_admin(title="Second title")
        response = self.client.get(history_url(self.article))
        self.assertContains(response, "Chief Editor")
        self.assertContains(response, "titre")
        self.assertNotContains(response, "Title")
        self.assertNotContains(response, "Publication time")
        with translation.override("en"):
            english = describe(self.versions()[0].revision.comment, Article)
        self.assertTrue(english.startswith("Changed title, "), english)

    def test_two_revisions_compare_word_by_word(self):
        self.save_in_admin(title="Second title", body="<p>The first body.</p>")
        self.save_in_admin(title="Second title", body="<p>The better body.</p>")
        old, new = self.versions()
        response = self.client.get(
            f"{history_url(self.article)}compare/?from={old.pk}&to={new.pk}"
        )
        self.assertContains(response, "<del>first</del><ins>better</ins>", html=False)
        self.assertContains(response, "<h2>Corps</h2>", html=True)
        self.assertNotContains(response, "<h2>Titre</h2>", html=True)  # unchanged

    def test_comparing_a_revision_of_another_article_is_a_404(self):
        self.save_in_admin(title="Second title")
        other = make_article(author=self.chief)
        keep_revision(other, self.chief)
        mine, theirs = self.versions()[0], Version.objects.get_for_object(other).get()
        for query in [f"from={mine.pk}&to={theirs.pk}", "from=x&to=1", ""]:
            with self.subTest(query=query):
                response = self.client.get(f"{history_url(self.article)}compare/?{query}")
                self.assertEqual(response.status_code, 404)

    def test_restoring_keeps_a_new_revision_and_leaves_the_status_alone(self):
        self.save_in_admin(title="Second title", body="<p>Old words.</p>")
        self.save_in_admin(title="Third title", body="<p>New words.</p>", status="draft")
        first = self.versions()[0]
        url = f"{history_url(self.article)}{first.pk}/restore/"
        confirm = self.client.get(url)
        self.assertContains(confirm, "<del>Old</del><ins>New</ins>", html=False)
        response = self.client.post(url)
        self.assertRedirects(response, history_url(self.article))
        self.article.refresh_from_db()
        self.assertEqual(
            (self.article.title, self.article.body_html, self.article.status),
            ("Second title", "<p>Old words.</p>", Status.DRAFT),
        )
        versions = self.versions()
        self.assertEqual(len(versions), 3)
        self.assertIn("restored", versions[2].revision.comment)
        self.assertEqual(versions[2].revision.user, self.chief)
        history = self.client.get(history_url(self.article))
        self.assertContains(history, "Version du ")  # "Restored the revision of <date>"

    def test_a_contributor_restoring_a_published_revision_keeps_a_draft(self):
        contributor = make_contributor()
        article = make_article(author=contributor, title="Was published")
        keep_revision(article, self.chief)
        article.status, article.title = Status.DRAFT, "Now a draft"
        keep_revision(article, self.chief)
        published = Version.objects.get_for_object(article).order_by("pk").first()
        self.client.force_login(contributor)
        response = self.client.post(f"{history_url(article)}{published.pk}/restore/")
        self.assertEqual(response.status_code, 302)
        article.refresh_from_db()
        self.assertEqual((article.title, article.status), ("Was published", Status.DRAFT))

    def test_a_contributor_cannot_restore_an_article_in_review(self):
        contributor = make_contributor()
        article = make_article(author=contributor, status=Status.IN_REVIEW)
        keep_revision(article, contributor)
        version = Version.objects.get_for_object(article).get()
        self.client.force_login(contributor)
        response = self.client.post(f"{history_url(article)}{version.pk}/restore/")
        self.assertEqual(response.status_code, 403)

    def test_the_public_page_does_not_grow_with_revisions(self):
        article = make_article(author=self.chief, slug="many-revisions")
        SiteSettings.load()
        self.client.logout()
        for count in [1, 10]:
            for _ in range(count):
                keep_revision(article, self.chief)
            cache.clear()  # rendered whole: nothing kept from the read before
            self.client.get("/")  # the footer's pages and the kept menu into the cache
            # article with author and category, its tags, its correction notices, previous,
            # next, its comments (no related articles: it has no tag nor category)
            with self.subTest(revisions=count), self.assertNumQueries(6):
                self.client.get(article.get_absolute_url())


class DiffTests(TestCase):
    def test_html_is_compared_as_the_text_a_reader_reads(self):
        self.assertEqual(
            html_as_text("<h2>Title</h2><p>One &amp; <em>two</em>.</p><p>Three</p>"),
            "Title\nOne & two.\nThree",
        )

    def test_words_that_changed_are_marked(self):
        self.assertEqual(
            diff_text("the quick fox", "the slow fox"),
            [("same", "the "), ("del", "quick"), ("ins", "slow"), ("same", " fox")],
        )

    def test_a_comment_written_by_hand_is_shown_as_it_is(self):
        self.assertEqual(describe("Imported from WordPress", Article), "Imported from WordPress")

    def test_a_restore_comment_names_the_date(self):
        when = timezone.now() - datetime.timedelta(days=1)
        text = describe(f'{{"changed": ["title"], "restored": "{when.isoformat()}"}}', Article)
        self.assertIn("Version du", text)
        self.assertIn("titre", text)
