"""The front page: the lead story, the latest articles, then a section per category."""

import datetime
import re
import tempfile

from django.test import TestCase, override_settings
from django.utils import timezone

from blog.models import Article
from pages.models import footer_links
from sitewide.models import SiteSettings
from sitewide.pagecache import pages_changed
from tests.base import make_article, make_category, make_editor, make_image


class FrontPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.objects.create(site_name="Le Carnet", tagline="Analyses et reportages")
        cls.author = make_editor()
        cls.world = make_category(name="Monde", slug="monde")
        cls.science = make_category(name="Science", slug="science")
        make_category(name="Empty", slug="empty")
        now = timezone.now()
        # Article 1 is the newest, article 12 the oldest; odd ones are about the world.
        cls.articles = [
            make_article(
                author=cls.author,
                title=f"Home article {n:02d}",
                slug=f"home-article-{n:02d}",
                category=cls.world if n % 2 else cls.science,
                published_at=now - datetime.timedelta(hours=n),
            )
            for n in range(1, 13)
        ]

    def titles(self, articles) -> list[str]:
        return [article.title for article in articles]

    def test_the_newest_article_leads_when_none_is_pinned(self):
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "blog/home.html")
        self.assertEqual(response.context["lead"].title, "Home article 01")
        self.assertContains(response, '<h2 class="lead__title" id="lead-title">', count=1)

    def test_the_pinned_article_leads_and_is_not_repeated(self):
        Article.objects.filter(slug="home-article-05").update(featured=True)
        response = self.client.get("/")
        self.assertEqual(response.context["lead"].title, "Home article 05")
        self.assertContains(response, 'href="/articles/home-article-05/"', count=1)
        self.assertEqual(
            self.titles(response.context["articles"]),
            ["Home article 01", "Home article 02", "Home article 03", "Home article 04",
             "Home article 06", "Home article 07"],
        )  # fmt: skip

    def test_each_category_shows_its_newest_articles_not_already_shown(self):
        response = self.client.get("/")
        self.assertEqual(
            self.titles(response.context["articles"]),
            [f"Home article {n:02d}" for n in range(2, 8)],
        )
        sections = {
            category.slug: self.titles(articles)
            for category, articles in response.context["sections"]
        }
        self.assertEqual(
            sections,
            {
                "monde": ["Home article 09", "Home article 11"],
                "science": ["Home article 08", "Home article 10", "Home article 12"],
            },
        )
        self.assertContains(response, '<a href="/category/monde/">Monde</a>', html=True)
        self.assertNotContains(response, "Empty")

    def test_the_header_menu_lists_the_categories_with_articles(self):
        response = self.client.get("/category/science/")
        menu = re.search(r'<div class="site-nav">.*?</nav>', response.content.decode(), re.S)
        self.assertIsNotNone(menu)
        self.assertIn('<a href="/category/monde/">Monde</a>', menu[0])
        self.assertIn('<a href="/category/science/" aria-current="page">Science</a>', menu[0])
        self.assertNotIn("/category/empty/", menu[0])

    def test_without_a_category_in_use_there_is_no_menu_bar(self):
        # Only "Empty" left with no article: the bar below the header is not an empty one.
        Article.objects.update(category=None)
        for url in ["/", "/en/", "/archive/"]:
            with self.subTest(url=url):
                self.assertNotContains(self.client.get(url), 'class="site-nav"')

    def test_its_heading_does_not_repeat_the_tagline(self):
        response = self.client.get("/")
        self.assertContains(response, '<p class="site-tagline">Analyses et reportages</p>')
        headings = re.findall(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
        self.assertEqual(len(headings), 1)
        self.assertIn("Le Carnet", headings[0])
        self.assertNotIn("Analyses et reportages", headings[0])

    def test_its_canonical_link_drops_query_parameters(self):
        response = self.client.get("/?utm_source=newsletter&page=2")
        self.assertContains(response, '<link rel="canonical" href="http://testserver/">')

    def test_it_links_to_the_archives(self):
        response = self.client.get("/")
        self.assertContains(response, '<p class="front-more"><a href="/archive/">')

    def test_it_says_so_when_there_is_nothing_yet(self):
        Article.objects.all().delete()
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(response.context["lead"])
        self.assertContains(response, 'class="empty"')

    def test_it_shows_the_site_name_and_social_links(self):
        SiteSettings.objects.update(telegram_url="https://t.me/carnet")
        response = self.client.get("/")
        self.assertContains(response, "<title>Le Carnet</title>", html=True)
        self.assertContains(response, 'href="https://t.me/carnet"')


class FrontPageCoverTests(TestCase):
    """The lead's cover is large and loads first; the cards' thumbnails wait their turn."""

    def setUp(self):
        media = tempfile.TemporaryDirectory(prefix="carnet-test-media-")
        self.addCleanup(media.cleanup)
        self.enterContext(override_settings(MEDIA_ROOT=media.name))
        SiteSettings.load()
        for n in range(1, 4):
            make_article(
                slug=f"covered-{n}",
                cover=make_image(alt=f"Picture {n}"),
                published_at=timezone.now() - datetime.timedelta(hours=n),
            )

    def test_the_lead_cover_is_eager_and_the_thumbnails_lazy(self):
        html = self.client.get("/").content.decode()
        lead = re.search(r'<img class="lead__image"[^>]*>', html)[0]
        self.assertIn('alt="Picture 1"', lead)
        self.assertIn('fetchpriority="high"', lead)
        self.assertNotIn("loading=", lead)
        thumbnails = re.findall(r'<img class="card__image"[^>]*>', html)
        self.assertEqual(len(thumbnails), 2)
        for thumbnail in thumbnails:
            with self.subTest(thumbnail=thumbnail):
                self.assertIn('loading="lazy"', thumbnail)
                self.assertIn('width="1000" height="500"', thumbnail)
                self.assertRegex(thumbnail, r'srcset="/media/library/\S+-480w.jpg 480w, ')
                self.assertIn(' sizes="', thumbnail)
                # Decorative beside the headline: a screen reader hears the title once.
                self.assertIn('alt=""', thumbnail)


class FrontPageQueryTests(TestCase):
    """The front page's queries do not grow with the articles or the categories."""

    def make_articles(self, count: int, categories: int):
        author = make_editor()
        sections = [make_category() for _ in range(categories)]
        now = timezone.now()
        Article.objects.bulk_create(
            Article(
                title=f"Bulk {n}",
                slug=f"bulk-{categories}-{n}",
                body="<p>Text.</p>",
                author=author,
                category=sections[n % categories],
                status=Article.Status.PUBLISHED,
                published_at=now - datetime.timedelta(minutes=n + 1),
            )
            for n in range(count)
        )
        pages_changed()  # bulk_create goes round the models that tell the page cache

    def test_ten_or_a_thousand_articles_take_the_same_queries(self):
        SiteSettings.load()
        made = 0
        for count, categories in [(10, 2), (1000, 20)]:
            self.make_articles(count, categories)
            made += categories
            SiteSettings.load()  # from the cache, as on every page but a worker's first
            footer_links()  # the footer's pages too
            # which article is pinned (none is), the newest, the latest, the categories
            # in use, their newest articles, the newest in other languages
            with self.subTest(articles=count), self.assertNumQueries(6):
                response = self.client.get("/")
            self.assertEqual(len(response.context["articles"]), 6)
            self.assertEqual(len(response.context["sections"]), made)
        pinned = Article.objects.get(slug="bulk-20-3")
        pinned.featured = True
        pinned.save()
        # which article is pinned (its index), the pinned lead in this edition, the latest,
        # the categories, their newest articles, the newest in other languages
        with self.assertNumQueries(6):
            self.client.get("/")
