"""A significant update: marked by an editor in the admin, not by every save; shown to
readers, search engines and feed readers alike, and kept in the article's history."""

import datetime
from unittest import mock

from django.test import TestCase, override_settings
from django.utils import timezone, translation
from reversion.models import Version

from blog.models import Article
from sitewide import languages
from sitewide.models import SiteSettings
from sitewide.revisions import describe
from tests.base import make_article, make_contributor, make_draft, make_editor, sign_in
from tests.blog.test_admin import article_form_data
from tests.blog.test_article_page import json_ld

MARKED_AT = datetime.datetime(2026, 12, 6, 9, 36, tzinfo=datetime.UTC)


class FullTimeTests(TestCase):
    def test_each_edition_words_a_time_as_its_press_does(self):
        # 09:36 UTC is 10:36 in Paris in December; the hour has no leading zero in French.
        words = {}
        for code in ["fr", "en"]:
            with translation.override(code):
                words[code] = languages.full_time(MARKED_AT)
                words[code + " morning"] = languages.full_time(
                    MARKED_AT - datetime.timedelta(hours=2, minutes=31)
                )
        self.assertEqual(
            words,
            {
                "fr": "6 décembre 2026 à 10\u00a0h\u00a036",
                "fr morning": "6 décembre 2026 à 8\u00a0h\u00a005",
                "en": "December 6, 2026, 10:36",
                "en morning": "December 6, 2026, 08:05",
            },
        )

    def test_the_first_of_the_month_is_the_1er_in_french(self):
        first = datetime.datetime(2026, 12, 1, 9, 36, tzinfo=datetime.UTC)
        with translation.override("fr"):
            self.assertEqual(languages.full_time(first), "1er décembre 2026 à 10\u00a0h\u00a036")
            # The night before, in Paris: the 1st already, not in UTC.
            self.assertEqual(
                languages.full_time(first - datetime.timedelta(hours=10, minutes=6)),
                "1er décembre 2026 à 0\u00a0h\u00a030",
            )
        with translation.override("en"):
            self.assertEqual(languages.full_time(first), "December 1, 2026, 10:36")

    @override_settings(TIME_ZONE="America/Montreal")
    def test_it_is_in_the_sites_time_zone(self):
        with translation.override("en"):
            self.assertEqual(languages.full_time(MARKED_AT), "December 6, 2026, 04:36")


class SignificantUpdateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.editor = make_editor()
        cls.article = make_article(author=cls.editor, slug="story", title="Story")

    def change_url(self, article: Article) -> str:
        return f"/admin/blog/article/{article.pk}/change/"

    def save_in_admin(self, user, article: Article, **changes):
        sign_in(self.client, user)
        published = timezone.localtime(article.published_at) if article.published_at else None
        response = self.client.post(
            self.change_url(article),
            article_form_data(
                title=article.title,
                slug=article.slug,
                author=article.author_id,
                status=article.status,
                published_at_0=f"{published:%Y-%m-%d}" if published else "",
                published_at_1=f"{published:%H:%M:%S}" if published else "",
                **changes,
            ),
        )
        self.assertEqual(response.status_code, 302, response.content[:3000])
        article.refresh_from_db()
        return response

    def test_a_save_without_the_box_ticked_is_no_update(self):
        self.save_in_admin(self.editor, self.article, body="<p>A typo fixed.</p>")
        self.assertIsNone(self.article.significant_update_at)
        self.assertNotContains(self.client.get("/articles/story/"), "Mis à jour")

    def test_an_editor_ticks_significant_update_and_readers_see_its_time(self):
        with mock.patch("django.utils.timezone.now", return_value=MARKED_AT):
            self.save_in_admin(
                self.editor, self.article, body="<p>New facts.</p>", significant_update="on"
            )
        self.assertEqual(self.article.significant_update_at, MARKED_AT)
        response = self.client.get("/articles/story/")
        self.assertContains(
            response,
            'Mis à jour le <time datetime="2026-12-06T10:36:00+01:00">'
            "6 décembre 2026 à 10\u00a0h\u00a036</time>",
        )
        self.assertEqual(json_ld(response)["dateModified"], "2026-12-06T10:36:00+01:00")
        # A later save without the box keeps the update's time.
        self.save_in_admin(self.editor, self.article, body="<p>New facts, spelt right.</p>")
        self.assertEqual(self.article.significant_update_at, MARKED_AT)

    def test_the_box_is_offered_on_a_published_article_to_those_who_publish(self):
        sign_in(self.client, self.editor)
        self.assertContains(
            self.client.get(self.change_url(self.article)), 'name="significant_update"'
        )
        draft = make_draft(author=self.editor)
        self.assertNotContains(
            self.client.get(self.change_url(draft)), 'name="significant_update"'
        )
        contributor = make_contributor()
        own_draft = make_draft(author=contributor)
        sign_in(self.client, contributor)
        self.assertNotContains(
            self.client.get(self.change_url(own_draft)), 'name="significant_update"'
        )

    def test_a_contributor_posting_the_box_marks_nothing(self):
        contributor = make_contributor()
        draft = make_draft(author=contributor, slug="own-draft")
        self.save_in_admin(contributor, draft, significant_update="on")
        self.assertIsNone(draft.significant_update_at)

    def test_a_draft_has_no_update_to_mark(self):
        draft = make_draft(author=self.editor, slug="a-draft")
        self.save_in_admin(self.editor, draft, significant_update="on")
        self.assertIsNone(draft.significant_update_at)

    def test_the_revision_keeps_the_update_and_the_history_names_it(self):
        self.save_in_admin(self.editor, self.article, significant_update="on")
        version = Version.objects.get_for_object(self.article).order_by("-pk").first()
        self.assertIsNotNone(version.field_dict["significant_update_at"])
        self.assertIn('"significant_update_at"', version.revision.comment)
        with translation.override("en"):
            self.assertIn("significant update", describe(version.revision.comment, Article))

    def test_the_feeds_date_an_item_by_its_significant_update(self):
        self.assertIn(
            f"<updated>{self.article.published_at.isoformat()}</updated>",
            self.client.get("/feed/atom/").content.decode(),
        )
        Article.objects.filter(pk=self.article.pk).update(significant_update_at=MARKED_AT)
        self.article.refresh_from_db()
        self.article.save()  # as the admin does, which forgets the kept feed
        atom = self.client.get("/feed/atom/").content.decode()
        self.assertIn("<updated>2026-12-06T09:36:00+00:00</updated>", atom)
