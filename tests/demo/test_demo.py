import os
from io import StringIO
from unittest import mock

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import TestCase
from django.utils.html import escape
from reversion.models import Version
from taggit.models import Tag, TaggedItem

from accounts.models import User
from blog.models import Article, Category
from demo import content as demo
from pages.models import Page
from sitewide.models import SiteSettings
from tests.base import TemporaryMediaMixin

SEED_URL = "/articles/moscou-travaille-avec-les-talibans-pour-contrer-daesh/"


def load_demo(*args: str, password: str | None = "demo-password-for-tests") -> str:
    """Run load_demo with CARNET_DEMO_PASSWORD set (or unset with None); return its output."""
    env = {key: value for key, value in os.environ.items() if key != "CARNET_DEMO_PASSWORD"}
    if password is not None:
        env["CARNET_DEMO_PASSWORD"] = password
    stdout = StringIO()
    with mock.patch.dict(os.environ, env, clear=True):
        call_command("load_demo", *args, stdout=stdout, stderr=StringIO())
    return stdout.getvalue()


def snapshot() -> dict:
    """Every row the demo touches, with what would change if it were written again."""
    return {
        "articles": list(
            Article.objects.values_list("slug", "updated_at", "cover").order_by("pk")
        ),
        "categories": list(Category.objects.values_list("slug", "name").order_by("pk")),
        "users": list(
            User.objects.values_list("username", "password", "slug", "display_name").order_by("pk")
        ),
        "groups": sorted(User.groups.through.objects.values_list("user_id", "group_id")),
        "tags": list(Tag.objects.values_list("name", "slug").order_by("pk")),
        "tagged": TaggedItem.objects.count(),
        "site": list(SiteSettings.objects.values()),
        "pages": list(Page.objects.values_list("slug", "updated_at").order_by("pk")),
        "revisions": Version.objects.count(),
    }


class DemoTestCase(TemporaryMediaMixin, TestCase):
    """The demo's generated covers go to a temporary MEDIA_ROOT."""


class LoadDemoTests(DemoTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = load_demo()

    def test_a_second_run_changes_nothing(self):
        before = snapshot()
        output = load_demo()
        self.assertEqual(snapshot(), before)
        self.assertNotIn("Created demo accounts", output)
        self.assertNotIn("password", output)

    def test_it_publishes_the_seed_article(self):
        response = self.client.get(SEED_URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, demo.SEED_TITLE)
        self.assertContains(response, demo.SEED_STANDFIRST)
        self.assertContains(response, f"<figcaption>{demo.SEED_COVER_CAPTION}</figcaption>")
        article = response.context["article"]
        self.assertContains(response, f'alt="{escape(demo.SEED_COVER_ALT)}"')
        self.assertEqual(article.body_html.count("<p>"), 3)
        self.assertContains(response, "Zamir Kabulov est l’envoyé officiel de la Russie")
        self.assertContains(response, "une alternative raisonnable par rapport à l’Etat Islamique")
        self.assertIn(f"Seed article: {SEED_URL}", self.output)

    def test_the_seed_article_has_its_cover_in_the_library(self):
        cover = Article.objects.get(slug=demo.SEED_SLUG).cover
        self.assertTrue(cover.file.name.startswith("library/"))
        self.assertTrue(cover.file.path.startswith(self.media_root))
        self.assertTrue(os.path.exists(cover.file.path))
        self.assertEqual((cover.width, cover.height), (1200, 675))
        self.assertEqual(cover.renditions, [480, 800])
        self.assertEqual(cover.alt, demo.SEED_COVER_ALT)
        self.assertEqual(cover.caption, demo.SEED_COVER_CAPTION)

    def test_the_seed_article_is_signed_by_houssen_moshinaly(self):
        response = self.client.get(SEED_URL)
        self.assertContains(response, '<a href="/author/houssen-moshinaly/">Houssen Moshinaly</a>')
        self.assertContains(response, escape(demo.SEED_AUTHOR["role"]))
        self.assertContains(response, "Blogueur et essayiste, j&#x27;ai écrit 9 livres")
        self.assertContains(response, 'href="/author/houssen-moshinaly/contact/"')

    def test_the_seed_article_has_its_category_and_tags(self):
        response = self.client.get(SEED_URL)
        self.assertContains(response, '<a href="/category/international/">International</a>')
        for tag in demo.SEED_TAGS:
            with self.subTest(tag=tag):
                self.assertContains(response, f">{tag}</a>")

    def test_the_site_has_its_name_and_social_links(self):
        response = self.client.get(SEED_URL)
        self.assertContains(response, "Actualité Houssenia Writing")
        self.assertContains(response, 'href="https://www.facebook.com/actualitehousseniawriting"')
        self.assertContains(response, 'href="https://t.me/housseniawriting"')

    def test_the_seed_article_is_on_the_home_page_and_in_the_feed(self):
        self.assertContains(self.client.get("/"), SEED_URL)
        self.assertContains(self.client.get("/feed/"), SEED_URL)

    def test_it_creates_the_demo_accounts_in_their_groups(self):
        admin = User.objects.get(username="admin")
        editor = User.objects.get(username="editor")
        moderator = User.objects.get(username="moderator")
        self.assertTrue(admin.is_superuser and admin.is_staff)
        self.assertTrue(editor.is_staff and not editor.is_superuser)
        self.assertTrue(moderator.is_staff and not moderator.is_superuser)
        contributor = User.objects.get(username="contributor")
        self.assertTrue(contributor.is_staff and not contributor.is_superuser)
        self.assertEqual(list(editor.groups.values_list("name", flat=True)), ["Editor-in-chief"])
        self.assertEqual(list(contributor.groups.values_list("name", flat=True)), ["Contributors"])
        self.assertEqual(list(moderator.groups.values_list("name", flat=True)), ["Moderators"])
        self.assertEqual(editor.slug, "houssen-moshinaly")
        self.assertIn("Created demo accounts: admin, editor, moderator, contributor", self.output)

    def test_the_demo_editor_can_edit_the_seed_article(self):
        article = Article.objects.get(slug=demo.SEED_SLUG)
        self.assertTrue(article.is_editable_by(User.objects.get(username="editor")))
        self.assertFalse(article.is_editable_by(User.objects.get(username="moderator")))

    def test_carnet_demo_password_sets_the_password(self):
        for username in ["admin", "editor", "moderator"]:
            with self.subTest(username=username):
                user = User.objects.get(username=username)
                self.assertTrue(user.check_password("demo-password-for-tests"))
        self.assertNotIn("Generated demo password", self.output)

    def test_a_new_carnet_demo_password_replaces_the_old_one(self):
        load_demo(password="another-demo-password")
        self.assertTrue(
            User.objects.get(username="editor").check_password("another-demo-password")
        )

    def test_a_run_without_carnet_demo_password_keeps_the_passwords(self):
        output = load_demo(password=None)
        self.assertTrue(
            User.objects.get(username="editor").check_password("demo-password-for-tests")
        )
        self.assertNotIn("Generated demo password", output)

    def test_it_repairs_an_edited_seed_article(self):
        Article.objects.filter(slug=demo.SEED_SLUG).update(title="Vandalised")
        load_demo()
        self.assertEqual(Article.objects.get(slug=demo.SEED_SLUG).title, demo.SEED_TITLE)


class GeneratedPasswordTests(DemoTestCase):
    def test_without_carnet_demo_password_it_prints_a_generated_one(self):
        output = load_demo(password=None)
        line = next(line for line in output.splitlines() if "Generated demo password" in line)
        password = line.rsplit(": ", 1)[1].strip()
        self.assertGreaterEqual(len(password), 12)
        for username in ["admin", "editor", "moderator"]:
            with self.subTest(username=username):
                self.assertTrue(User.objects.get(username=username).check_password(password))

    def test_the_generated_password_is_shown_only_once(self):
        load_demo(password=None)
        self.assertNotIn("Generated demo password", load_demo(password=None))


class GeneratedArticlesTests(DemoTestCase):
    def test_articles_25_adds_25_articles_once(self):
        load_demo()
        output = load_demo("--articles", "25")
        self.assertIn("Generated articles: 25 added, 25 in all.", output)
        self.assertEqual(Article.objects.filter(slug__startswith="demo-").count(), 25)
        self.assertEqual(
            Article.objects.published().count(),
            1 + len(demo.FRONT_ARTICLES) + len(demo.TRANSLATED_PAIR) + 25,
        )
        before = snapshot()
        output = load_demo("--articles", "25")
        self.assertIn("Generated articles: 0 added, 25 in all.", output)
        self.assertEqual(snapshot(), before)

    def test_generated_articles_fill_the_public_pages(self):
        load_demo("--articles", "12")
        self.assertEqual(
            Article.objects.published().count(),
            1 + len(demo.FRONT_ARTICLES) + len(demo.TRANSLATED_PAIR) + 12,
        )
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.context["articles"]), 6)
        self.assertEqual(self.client.get("/sitemap.xml").status_code, 200)
        # Generated authors sign articles but cannot log in.
        author = User.objects.get(username="claire-dubois")
        self.assertFalse(author.has_usable_password())
        self.assertEqual(self.client.get(author.get_absolute_url()).status_code, 200)

    def test_a_negative_count_is_refused(self):
        with self.assertRaises(SystemExit):
            load_demo("--articles", "-1")

    def test_the_demo_accounts_groups_come_from_the_migrations(self):
        self.assertTrue(Group.objects.filter(name="Editors").exists())
        self.assertTrue(Group.objects.filter(name="Moderators").exists())


class FrontPageDemoTests(DemoTestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_it_makes_a_dozen_articles_in_four_categories_with_covers(self):
        articles = Article.objects.published()
        self.assertEqual(
            articles.count(), 1 + len(demo.FRONT_ARTICLES) + len(demo.TRANSLATED_PAIR)
        )
        self.assertGreaterEqual(articles.count(), 12)
        self.assertEqual(
            set(Category.objects.in_use().values_list("slug", flat=True)),
            {"international", "politique", "economie", "science"},
        )
        for article in articles:
            with self.subTest(article=article.slug):
                self.assertTrue(os.path.exists(article.cover.file.path))
                self.assertTrue(article.cover.alt)
                self.assertTrue(article.cover.renditions)
                self.assertTrue(article.tags.exists())
                self.assertIsNone(article.significant_update_at)

    def test_one_article_leads_the_front_page(self):
        lead = Article.objects.lead()
        self.assertTrue(lead.featured)
        self.assertNotEqual(lead.slug, demo.SEED_SLUG)
        response = self.client.get("/")
        self.assertEqual(response.context["lead"], lead)
        self.assertEqual(len(response.context["articles"]), 6)
        self.assertTrue(response.context["sections"])

    def test_several_articles_have_approved_comments(self):
        commented = Article.objects.filter(comment_count__gt=0)
        self.assertGreaterEqual(commented.count(), 4)
        self.assertEqual(Article.objects.get(slug=demo.SEED_SLUG).comment_count, 1)

    def test_the_seed_article_is_kept_as_it_is(self):
        seed = Article.objects.get(slug=demo.SEED_SLUG)
        self.assertEqual(
            (seed.title, seed.standfirst, seed.body, seed.cover.alt, seed.cover.caption),
            (demo.SEED_TITLE, demo.SEED_STANDFIRST, demo.SEED_BODY, demo.SEED_COVER_ALT,
             demo.SEED_COVER_CAPTION),
        )  # fmt: skip
        self.assertEqual(set(seed.tags.names()), set(demo.SEED_TAGS))
        self.assertEqual(seed.category.slug, "international")
        self.assertFalse(seed.featured)

    def test_an_editor_who_pins_another_lead_keeps_it(self):
        seed = Article.objects.get(slug=demo.SEED_SLUG)
        seed.featured = True
        seed.save()
        load_demo()
        self.assertEqual(Article.objects.lead(), seed)


class NewsroomDemoTests(DemoTestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_the_contributor_has_an_article_in_review(self):
        article = Article.objects.get(slug=demo.REVIEW_ARTICLE["slug"])
        self.assertEqual(article.status, Article.Status.IN_REVIEW)
        self.assertEqual(article.author.username, "contributor")
        self.assertEqual(self.client.get(article.get_absolute_url()).status_code, 404)

    def test_the_seed_article_has_a_few_revisions_and_is_unchanged(self):
        article = Article.objects.get(slug=demo.SEED_SLUG)
        versions = list(Version.objects.get_for_object(article).order_by("revision__date_created"))
        self.assertEqual(len(versions), 3)
        self.assertEqual(versions[0].field_dict["status"], Article.Status.DRAFT)
        self.assertEqual(versions[-1].field_dict["body"], demo.SEED_BODY)
        self.assertEqual(
            (article.title, article.standfirst, article.body),
            (demo.SEED_TITLE, demo.SEED_STANDFIRST, demo.SEED_BODY),
        )

    def test_the_pages_are_public_and_in_the_footer(self):
        for slug in ["a-propos", "mentions-legales", "contact"]:
            with self.subTest(slug=slug):
                self.assertEqual(self.client.get(f"/pages/{slug}/").status_code, 200)
        footer = self.client.get("/").content.decode()
        self.assertIn('href="/pages/mentions-legales/"', footer)
        contact = self.client.get("/pages/contact/")
        self.assertContains(contact, 'href="/author/houssen-moshinaly/contact/"')
        self.assertEqual(self.client.get("/author/houssen-moshinaly/contact/").status_code, 200)

    def test_every_category_and_page_has_its_english_name(self):
        for category in Category.objects.all():
            with self.subTest(category=category.slug):
                self.assertTrue(category.name_en)
        for page in Page.objects.all():
            with self.subTest(page=page.slug):
                self.assertTrue(page.title_en)
                self.assertTrue(page.body_html_en)
        english = self.client.get("/en/").content.decode()
        self.assertIn('<a href="/en/category/politique/">Politics</a>', english)
        self.assertIn('<a href="/en/pages/mentions-legales/">Legal notice</a>', english)
        contact = self.client.get("/en/pages/contact/")
        self.assertContains(contact, '<h1 class="page-title">Contact</h1>')
        self.assertContains(contact, 'href="/en/author/houssen-moshinaly/contact/"')
