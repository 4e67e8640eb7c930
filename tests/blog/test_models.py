import datetime

from django.contrib.auth.models import AnonymousUser, Permission
from django.db import IntegrityError
from django.test import TestCase
from django.utils import timezone

from blog.models import Article, Category
from sitewide.models import SiteSettings
from tests.base import (
    make_article,
    make_category,
    make_draft,
    make_editor,
    make_moderator,
    make_scheduled,
    make_superuser,
    make_user,
)


class ArticleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor(display_name="Ada Lovelace")

    def test_it_sanitises_the_body_into_body_html_on_save(self):
        article = make_article(body='<p onclick="x()">Hi<script>alert(1)</script></p>')
        self.assertEqual(article.body_html, "<p>Hi</p>")
        article.body = "<p>Changed <em>twice</em></p><iframe src='x'></iframe>"
        article.save()
        article.refresh_from_db()
        self.assertEqual(article.body_html, "<p>Changed <em>twice</em></p>")

    def test_it_keeps_the_body_sanitised(self):
        # As readers get it: the editor reopens it without what was dropped.
        article = make_article(body='<p onclick="x()">Hi</p><img src="https://elsewhere/x.png">')
        article.refresh_from_db()
        self.assertEqual(article.body, "<p>Hi</p>")

    def test_it_fills_an_empty_slug_from_the_title(self):
        article = make_article(title="Élections au Sahel : ce qui change", slug="")
        self.assertEqual(article.slug, "elections-au-sahel-ce-qui-change")

    def test_it_keeps_a_given_slug(self):
        article = make_article(title="A title", slug="my-slug")
        self.assertEqual(article.slug, "my-slug")

    def test_slugs_are_unique(self):
        make_article(slug="taken")
        with self.assertRaises(IntegrityError):
            make_article(slug="taken")

    def test_str_is_the_title(self):
        self.assertEqual(str(make_article(title="My title")), "My title")

    def test_get_absolute_url(self):
        self.assertEqual(make_article(slug="my-slug").get_absolute_url(), "/articles/my-slug/")

    def test_is_published_mirrors_the_published_queryset(self):
        articles = [
            make_article(author=self.editor),
            make_draft(author=self.editor),
            make_scheduled(author=self.editor),
            make_draft(author=self.editor, published_at=timezone.now() + datetime.timedelta(1)),
            make_article(author=self.editor, published_at=timezone.now()),
        ]
        published = set(Article.objects.published().values_list("pk", flat=True))
        for article in articles:
            with self.subTest(status=article.status, published_at=article.published_at):
                self.assertEqual(article.is_published(), article.pk in published)
        self.assertEqual(len(published), 2)

    def test_is_scheduled_means_published_in_the_future(self):
        self.assertTrue(make_scheduled(author=self.editor).is_scheduled())
        self.assertFalse(make_article(author=self.editor).is_scheduled())
        self.assertFalse(make_draft(author=self.editor).is_scheduled())

    def test_the_default_ordering_is_newest_first(self):
        now = timezone.now()
        old = make_article(author=self.editor, published_at=now - datetime.timedelta(days=9))
        new = make_article(author=self.editor, published_at=now - datetime.timedelta(days=1))
        self.assertQuerySetEqual(Article.objects.all(), [new, old])


class ArticleEditabilityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.owner = make_editor()
        cls.other_editor = make_editor()
        cls.article = make_draft(author=cls.owner)
        cls.chief = make_editor()
        cls.chief.user_permissions.add(Permission.objects.get(codename="change_others_article"))

    def test_its_author_can_edit_it(self):
        self.assertTrue(self.article.is_editable_by(self.owner))

    def test_another_editor_cannot(self):
        self.assertFalse(self.article.is_editable_by(self.other_editor))

    def test_an_editor_with_change_others_article_can(self):
        self.assertTrue(self.article.is_editable_by(self.chief))

    def test_a_superuser_can(self):
        self.assertTrue(self.article.is_editable_by(make_superuser()))

    def test_anonymous_readers_cannot(self):
        self.assertFalse(self.article.is_editable_by(AnonymousUser()))

    def test_a_reader_cannot(self):
        self.assertFalse(self.article.is_editable_by(make_user()))

    def test_a_moderator_cannot(self):
        self.assertFalse(self.article.is_editable_by(make_moderator()))

    def test_its_author_cannot_once_deactivated(self):
        author = make_editor(is_active=False)
        self.assertFalse(make_draft(author=author).is_editable_by(author))

    def test_its_author_cannot_once_no_longer_staff(self):
        author = make_editor(is_staff=False)
        self.assertFalse(make_draft(author=author).is_editable_by(author))


class ArticleDescriptionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()

    def test_it_prefers_the_seo_description(self):
        article = make_article(author=self.editor, seo_description="SEO", standfirst="Lead")
        self.assertEqual(article.description, "SEO")

    def test_it_falls_back_to_the_standfirst(self):
        article = make_article(author=self.editor, standfirst="The  lead\n text")
        self.assertEqual(article.description, "The lead text")

    def test_it_falls_back_to_the_body_text(self):
        article = make_article(
            author=self.editor, standfirst="", body="<p>First <em>para</em>.</p><p>Second.</p>"
        )
        self.assertEqual(article.description, "First para.Second.")

    def test_the_body_text_comes_without_html_entities(self):
        article = make_article(
            author=self.editor, standfirst="", body="<p>Tom &amp; Jerry&nbsp;: 1 < 2</p>"
        )
        self.assertEqual(article.description, "Tom & Jerry : 1 < 2")

    def test_it_is_at_most_300_characters(self):
        article = make_article(author=self.editor, standfirst="word " * 200)
        self.assertEqual(len(article.description), 300)
        self.assertTrue(article.description.endswith("…"))


class PreviousNextTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        editor = make_editor()
        now = timezone.now()
        cls.first = make_article(author=editor, published_at=now - datetime.timedelta(days=3))
        cls.draft = make_draft(author=editor, published_at=now - datetime.timedelta(days=2))
        cls.middle = make_article(author=editor, published_at=now - datetime.timedelta(days=2))
        cls.last = make_article(author=editor, published_at=now - datetime.timedelta(days=1))
        cls.scheduled = make_scheduled(author=editor)

    def test_it_links_to_the_published_neighbours(self):
        self.assertEqual(self.middle.get_previous_published(), self.first)
        self.assertEqual(self.middle.get_next_published(), self.last)

    def test_the_ends_have_no_neighbour(self):
        self.assertIsNone(self.first.get_previous_published())
        self.assertIsNone(self.last.get_next_published())

    def test_it_skips_drafts_and_scheduled_articles(self):
        self.assertEqual(self.last.get_previous_published(), self.middle)
        self.assertIsNone(self.last.get_next_published())

    def test_it_orders_articles_published_at_the_same_time_by_id(self):
        editor = make_editor()
        when = timezone.now() - datetime.timedelta(hours=1)
        a = make_article(author=editor, published_at=when)
        b = make_article(author=editor, published_at=when)
        self.assertEqual(a.get_next_published(), b)
        self.assertEqual(b.get_previous_published(), a)


class CategoryTests(TestCase):
    def test_str_is_the_name(self):
        self.assertEqual(str(make_category(name="International")), "International")

    def test_get_absolute_url(self):
        self.assertEqual(make_category(slug="x").get_absolute_url(), "/category/x/")

    def test_categories_are_ordered_by_name(self):
        b, a = make_category(name="B"), make_category(name="A")
        self.assertQuerySetEqual(Category.objects.all(), [a, b])


class SiteSettingsTests(TestCase):
    def test_load_creates_the_one_row_with_defaults(self):
        site = SiteSettings.load()
        self.assertEqual(site.pk, 1)
        self.assertEqual(site.site_name, "Carnet")
        self.assertEqual(SiteSettings.load(), site)
        self.assertEqual(SiteSettings.objects.count(), 1)

    def test_saving_another_instance_overwrites_the_one_row(self):
        SiteSettings.load()
        SiteSettings(site_name="Other").save()
        self.assertEqual(SiteSettings.objects.get().site_name, "Other")

    def test_social_links_skip_empty_urls(self):
        site = SiteSettings(telegram_url="https://t.me/x", x_url="https://x.com/y")
        self.assertEqual(
            site.social_links, [("Telegram", "https://t.me/x"), ("X", "https://x.com/y")]
        )


class LeadStoryTests(TestCase):
    def test_the_lead_is_the_pinned_article_when_published(self):
        pinned = make_article(
            featured=True, published_at=timezone.now() - datetime.timedelta(days=3)
        )
        make_article()
        self.assertEqual(Article.objects.lead(), pinned)

    def test_without_a_pinned_article_the_lead_is_the_newest(self):
        make_article(published_at=timezone.now() - datetime.timedelta(days=3))
        newest = make_article()
        self.assertEqual(Article.objects.lead(), newest)

    def test_a_pinned_draft_or_scheduled_article_is_not_the_lead(self):
        newest = make_article()
        make_draft(featured=True)
        self.assertEqual(Article.objects.lead(), newest)
        Article.objects.filter(featured=True).update(featured=False)
        make_scheduled(featured=True)
        self.assertEqual(Article.objects.lead(), newest)

    def test_pinning_an_article_unpins_the_previous_one(self):
        first = make_article(featured=True)
        second = make_article(featured=True)
        first.refresh_from_db()
        self.assertFalse(first.featured)
        self.assertEqual(list(Article.objects.filter(featured=True)), [second])

    def test_the_database_refuses_two_lead_stories(self):
        make_article(featured=True)
        other = make_article()
        with self.assertRaises(IntegrityError):
            Article.objects.filter(pk=other.pk).update(featured=True)

    def test_there_is_no_lead_without_a_published_article(self):
        make_draft()
        self.assertIsNone(Article.objects.lead())
