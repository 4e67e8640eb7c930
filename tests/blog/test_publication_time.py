"""Dates that mean what they say: an article is dated when it is first published, unless
an editor chose its time; editing it afterwards never moves it. Slugs and tags write out
French letters."""

import datetime
import json
from unittest import mock

from django.test import TestCase
from django.utils import timezone

from blog.models import Article
from sitewide.models import SiteSettings
from tests.base import (
    make_article,
    make_chief_editor,
    make_contributor,
    make_draft,
    make_editor,
    sign_in,
)
from tests.blog.test_admin import article_form_data

Status = Article.Status
OPENED = datetime.datetime(2026, 3, 14, 10, 27, 12, 345678, tzinfo=datetime.UTC)


def at(when: datetime.datetime):
    """The clock of the code under test, set to when."""
    return mock.patch("django.utils.timezone.now", return_value=when)


def undated(**overrides) -> dict:
    """The article form as it is offered: the publication time left empty."""
    return article_form_data(**{"published_at_0": "", "published_at_1": "", **overrides})


def dated(when: datetime.datetime, **overrides) -> dict:
    local = timezone.localtime(when)
    return article_form_data(
        published_at_0=local.date().isoformat(),
        published_at_1=local.strftime("%H:%M:%S"),
        **overrides,
    )


class PublicationTimeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.contributor = make_contributor()
        cls.chief = make_chief_editor()
        cls.editor = make_editor()

    def test_the_form_offers_no_time_and_a_contributor_cannot_set_one(self):
        self.client.force_login(self.editor)
        response = self.client.get("/admin/blog/article/add/")
        self.assertContains(response, 'name="published_at_0"')
        self.assertNotContains(response, 'name="published_at_0" value=')
        self.client.force_login(self.contributor)
        self.assertNotContains(self.client.get("/admin/blog/article/add/"), "published_at_0")

    def test_a_submission_is_dated_by_the_publish_click_not_by_its_form(self):
        self.client.force_login(self.contributor)
        with at(OPENED):
            self.client.post("/admin/blog/article/add/", undated(_submit_review="Soumettre"))
        article = Article.objects.get(slug="from-the-admin")
        self.assertEqual((article.status, article.published_at), (Status.IN_REVIEW, None))

        sign_in(self.client, self.chief)
        clicked = OPENED + datetime.timedelta(minutes=5)
        with at(clicked):
            response = self.client.post(
                f"/admin/blog/article/{article.pk}/change/",
                undated(status="review", author=self.contributor.pk, _publish="Publier"),
            )
        self.assertEqual(response.status_code, 302)
        article.refresh_from_db()
        self.assertEqual(article.status, Status.PUBLISHED)
        self.assertEqual(article.published_at, clicked.replace(microsecond=0))

    def test_what_readers_see_is_the_publish_time(self):
        article = make_draft(published_at=None, author=self.editor)
        self.client.force_login(self.editor)
        self.client.post(
            f"/admin/blog/article/{article.pk}/change/",
            undated(slug=article.slug, status="draft", _publish="Publier"),
        )
        article.refresh_from_db()
        published = timezone.localtime(article.published_at)
        self.assertLess(timezone.now() - published, datetime.timedelta(minutes=1))

        page = self.client.get(article.get_absolute_url())
        self.assertContains(page, f'<time datetime="{published.isoformat()}">')
        json_ld = page.content.decode().split('<script type="application/ld+json">')[1]
        data = json.loads(json_ld.split("</script>")[0])
        self.assertEqual(data["datePublished"], published.isoformat())
        feed = self.client.get("/feed/atom/").content.decode()
        utc = published.astimezone(datetime.UTC).isoformat()
        self.assertIn(f"<published>{utc}</published>", feed)

    def test_a_time_an_editor_chose_is_kept(self):
        chosen = datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC)
        self.client.force_login(self.editor)
        self.client.post("/admin/blog/article/add/", dated(chosen, status="draft"))
        article = Article.objects.get(slug="from-the-admin")
        self.client.post(
            f"/admin/blog/article/{article.pk}/change/",
            dated(chosen, status="draft", _publish="Publier"),
        )
        article.refresh_from_db()
        self.assertEqual((article.status, article.published_at), (Status.PUBLISHED, chosen))

    def test_editing_a_published_article_never_moves_its_time(self):
        published_at = timezone.now() - datetime.timedelta(days=2)  # with microseconds
        article = make_article(author=self.editor, published_at=published_at)
        self.client.force_login(self.editor)
        url = f"/admin/blog/article/{article.pk}/change/"
        self.client.post(url, dated(published_at, slug=article.slug, title="New title"))
        article.refresh_from_db()
        self.assertEqual((article.title, article.published_at), ("New title", published_at))
        self.client.post(url, undated(slug=article.slug, title="Emptied"))
        article.refresh_from_db()
        self.assertEqual((article.title, article.published_at), ("Emptied", published_at))

    def test_a_draft_with_no_time_has_a_preview(self):
        article = make_draft(published_at=None, author=self.editor)
        self.client.force_login(self.editor)
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, "brouillon")
        self.assertNotContains(response, "<time")
        self.assertFalse(article.is_published() or article.is_scheduled())

    def test_the_list_puts_undated_drafts_first(self):
        make_article(author=self.editor, title="Out now")
        make_draft(author=self.editor, title="Undated", published_at=None)
        self.client.force_login(self.editor)
        response = self.client.get("/admin/blog/article/")
        content = response.content.decode()
        self.assertLess(content.index("Undated"), content.index("Out now"))


class SlugTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()

    def test_an_article_without_a_slug_gets_one_with_french_letters_written_out(self):
        article = make_article(title="Au cœur des tensions", slug="")
        self.assertEqual(article.slug, "au-coeur-des-tensions")

    def test_a_new_tag_from_the_form_gets_its_letters_written_out(self):
        self.client.force_login(self.editor)
        self.client.post(
            "/admin/blog/article/add/", article_form_data(tags="Cœur de l’Europe, Sœurs")
        )
        article = Article.objects.get(slug="from-the-admin")
        self.assertEqual(
            sorted(article.tags.values_list("slug", flat=True)),
            ["coeur-de-l-europe", "soeurs"],
        )
        self.assertEqual(self.client.get("/tag/coeur-de-l-europe/").status_code, 200)

    def test_a_new_tag_whose_slug_is_taken_gets_another(self):
        make_article(tags=["Coeur"])
        self.client.force_login(self.editor)
        self.client.post("/admin/blog/article/add/", article_form_data(tags="Cœur"))
        article = Article.objects.get(slug="from-the-admin")
        self.assertEqual(list(article.tags.values_list("slug", flat=True)), ["coeur-2"])
