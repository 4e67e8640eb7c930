"""The article lists by category, tag, month and author."""

import datetime
import re

from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone

from pages.models import footer_links
from sitewide.models import SiteSettings
from tests.base import (
    make_article,
    make_category,
    make_draft,
    make_editor,
    make_scheduled,
    make_superuser,
)

AUTHOR_EMAIL = "houssen.private@example.com"


class CategoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.category = make_category(name="Économie", slug="economie", description="Money.")
        cls.article = make_article(title="In the category", category=cls.category)
        make_article(title="Elsewhere", category=make_category())

    def test_it_lists_the_categorys_articles(self):
        response = self.client.get("/category/economie/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "blog/category.html")
        self.assertContains(response, '<h1 class="page-title">Économie</h1>', html=True)
        self.assertContains(response, "Money.")
        self.assertContains(response, "In the category")
        self.assertNotContains(response, "Elsewhere")

    def test_it_links_to_its_feed(self):
        response = self.client.get("/category/economie/")
        self.assertContains(response, 'href="/category/economie/feed/"')


class TagTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        make_article(title="Tagged with Santé", tags=["Santé"])
        make_article(title="Tagged otherwise", tags=["Climat"])

    def test_it_lists_the_tags_articles_at_an_ascii_address(self):
        response = self.client.get("/tag/sante/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "blog/tag.html")
        self.assertContains(response, '<h1 class="page-title">Santé</h1>', html=True)
        self.assertContains(response, "Tagged with Santé")
        self.assertNotContains(response, "Tagged otherwise")


class ArchiveTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        author = make_editor()
        tz = timezone.get_current_timezone()
        make_article(
            author=author,
            title="First minute of March",
            published_at=datetime.datetime(2026, 3, 1, 0, 0, tzinfo=tz),
        )
        make_article(
            author=author,
            title="Last minute of March",
            published_at=datetime.datetime(2026, 3, 31, 23, 59, tzinfo=tz),
        )
        make_article(
            author=author,
            title="Last minute of February",
            published_at=datetime.datetime(2026, 2, 28, 23, 59, tzinfo=tz),
        )
        make_article(
            author=author,
            title="New year",
            published_at=datetime.datetime(2026, 1, 1, 0, 0, tzinfo=tz),
        )
        make_article(
            author=author,
            title="New year's eve",
            published_at=datetime.datetime(2025, 12, 31, 23, 59, tzinfo=tz),
        )

    def test_it_lists_the_months_articles_in_the_sites_time_zone(self):
        response = self.client.get("/archive/2026/3/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "blog/archive.html")
        self.assertEqual(
            [a.title for a in response.context["articles"]],
            ["Last minute of March", "First minute of March"],
        )

    def test_december_ends_at_the_new_year(self):
        response = self.client.get("/archive/2025/12/")
        self.assertEqual([a.title for a in response.context["articles"]], ["New year's eve"])

    def test_an_empty_month_answers_200(self):
        response = self.client.get("/archive/2024/5/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(response.context["articles"]), [])

    def test_a_month_links_to_its_year(self):
        self.assertContains(self.client.get("/archive/2026/3/"), 'href="/archive/2026/"')

    def test_a_year_lists_its_articles_and_its_months_in_the_sites_time_zone(self):
        response = self.client.get("/en/archive/2026/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "blog/archive_year.html")
        self.assertEqual(
            [a.title for a in response.context["articles"]],
            ["Last minute of March", "First minute of March", "Last minute of February",
             "New year"],
        )  # fmt: skip
        self.assertEqual(
            response.context["months"],
            [
                (datetime.date(2026, 1, 1), 1),
                (datetime.date(2026, 2, 1), 1),
                (datetime.date(2026, 3, 1), 2),
            ],
        )
        self.assertContains(response, '<a href="/en/archive/2026/3/">March</a>', html=True)
        self.assertContains(response, "(2 articles)")
        # The other years with articles, for going from one to the next.
        self.assertContains(response, '<a href="/en/archive/2025/">2025</a>', html=True)

    def test_an_empty_year_answers_200(self):
        response = self.client.get("/archive/2019/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="empty"')

    def test_every_page_links_to_this_years_archive(self):
        year = timezone.localdate().year
        self.assertContains(self.client.get("/archive/2019/"), f'href="/archive/{year}/"')


class AuthorPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.author = make_editor(
            display_name="Houssen Moshinaly",
            slug="houssen-moshinaly",
            role="Rédacteur en chef",
            bio="Blogueur et essayiste.",
            email=AUTHOR_EMAIL,
            accepts_contact=True,
            website="https://houssenia.example",
            telegram_url="https://t.me/houssen",
        )
        now = timezone.now()
        cls.articles = [
            make_article(
                author=cls.author,
                title=f"By Houssen {n:02d}",
                published_at=now - datetime.timedelta(hours=n),
            )
            for n in range(1, 12)
        ]
        make_draft(author=cls.author, title="Houssen's draft")
        make_scheduled(author=cls.author, title="Houssen's scheduled article")
        make_article(title="By somebody else")

    def titles(self, response) -> list[str]:
        return [article.title for article in response.context["articles"]]

    def test_it_shows_the_author_profile(self):
        response = self.client.get("/author/houssen-moshinaly/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "blog/author.html")
        self.assertContains(response, '<h1 class="page-title">Houssen Moshinaly</h1>', html=True)
        self.assertContains(response, "Rédacteur en chef")
        self.assertContains(response, "<p>Blogueur et essayiste.</p>", html=True)
        self.assertContains(response, 'href="https://houssenia.example"')
        self.assertContains(response, 'href="https://t.me/houssen"')
        self.assertContains(response, 'href="/author/houssen-moshinaly/contact/"')
        self.assertContains(response, 'href="/author/houssen-moshinaly/feed/"')

    def test_it_lists_only_the_authors_published_articles_ten_per_page(self):
        response = self.client.get("/author/houssen-moshinaly/")
        self.assertEqual(self.titles(response), [f"By Houssen {n:02d}" for n in range(1, 11)])
        response = self.client.get("/author/houssen-moshinaly/", {"page": 2})
        self.assertEqual(self.titles(response), ["By Houssen 11"])
        for page in [1, 2]:
            response = self.client.get("/author/houssen-moshinaly/", {"page": page})
            self.assertNotContains(response, "draft")
            self.assertNotContains(response, "scheduled")
            self.assertNotContains(response, "somebody else")

    def test_it_never_shows_the_authors_email(self):
        self.assertNotContains(self.client.get("/author/houssen-moshinaly/"), AUTHOR_EMAIL)

    def test_an_inactive_author_has_no_page(self):
        self.author.is_active = False
        self.author.save()
        self.assertEqual(self.client.get("/author/houssen-moshinaly/").status_code, 404)

    def test_a_staff_account_with_nothing_published_has_no_page_and_no_feed(self):
        quiet = make_editor(slug="quiet")
        make_draft(author=quiet)
        make_scheduled(author=quiet)
        admin = make_superuser(slug="the-admin")
        for slug in [quiet.slug, admin.slug]:
            for url in [f"/author/{slug}/", f"/author/{slug}/feed/", f"/en/author/{slug}/"]:
                with self.subTest(url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)
        make_article(author=quiet)
        self.assertEqual(self.client.get("/author/quiet/").status_code, 200)
        self.assertEqual(self.client.get("/author/quiet/feed/").status_code, 200)

    def test_its_query_count_does_not_grow_with_the_articles(self):
        author = make_editor(slug="budget")
        for count in [1, 14]:
            for n in range(count):
                make_article(author=author, tags=["Budget", f"Extra {n}"])
            cache.clear()  # rendered whole: nothing kept from the read before
            SiteSettings.load()  # from the cache, as on every page but a worker's first
            footer_links()  # the footer's pages too
            # author, count, articles, their tags
            with self.subTest(articles=count), self.assertNumQueries(4):
                self.assertEqual(self.client.get("/author/budget/").status_code, 200)


class CardTests(TestCase):
    """Every list shows the same card; a page leaves out what its heading already says."""

    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        author = make_editor(slug="amina", display_name="Amina Diallo")
        category = make_category(name="Science", slug="science")
        make_article(
            author=author, category=category, slug="carded", title="Carded", tags=["Climat"]
        )

    def cards(self, url: str) -> list[str]:
        html = self.client.get(url).content.decode()
        return re.findall(r'<article class="card.*?</article>', html, re.S)

    def test_the_author_page_does_not_repeat_the_authors_name(self):
        [card] = self.cards("/author/amina/")
        self.assertIn('href="/articles/carded/"', card)
        self.assertIn('href="/category/science/"', card)
        self.assertNotIn("Amina Diallo", card)

    def test_the_category_page_does_not_repeat_the_category(self):
        [card] = self.cards("/category/science/")
        self.assertIn("Amina Diallo", card)
        self.assertNotIn('href="/category/science/"', card)

    def test_the_tag_and_search_pages_show_the_whole_card(self):
        for url in [
            "/tag/climat/",
            "/search/?q=carded",
            f"/archive/{timezone.localdate().year}/",
        ]:
            with self.subTest(url=url):
                cards = self.cards(url)
                self.assertEqual(len(cards), 1, url)
                self.assertIn("Amina Diallo", cards[0])
                self.assertIn('href="/category/science/"', cards[0])


class ArchiveIndexTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        tz = timezone.get_current_timezone()
        for when in [(2026, 3, 14), (2026, 3, 2), (2025, 12, 31), (2024, 5, 1)]:
            make_article(published_at=datetime.datetime(*when, 12, tzinfo=tz))
        make_draft(published_at=datetime.datetime(2023, 1, 1, tzinfo=tz))
        make_scheduled()

    def test_it_lists_every_year_and_month_with_counts_newest_first(self):
        response = self.client.get("/archive/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "blog/archive_index.html")
        html = response.content.decode()
        self.assertInHTML('<a href="/archive/2026/">2026</a>', html)
        self.assertInHTML('<a href="/archive/2026/3/">Mars</a>', html)
        self.assertIn("(2 articles)", html)
        self.assertLess(html.index('href="/archive/2026/"'), html.index('href="/archive/2025/"'))
        self.assertLess(
            html.index('href="/archive/2025/12/"'), html.index('href="/archive/2024/5/"')
        )

    def test_it_leaves_out_drafts_and_scheduled_articles(self):
        html = self.client.get("/archive/").content.decode()
        self.assertNotIn("/archive/2023/", html)
        next_year = timezone.now().year + 1
        self.assertNotIn(f"/archive/{next_year}/", html)

    def test_the_english_edition_has_its_own(self):
        response = self.client.get("/en/archive/")
        self.assertContains(response, '<a href="/en/archive/2024/5/">May</a>', html=True)
        self.assertContains(response, "(1 article)")

    def test_the_footer_links_to_it(self):
        self.assertContains(self.client.get("/"), '<a href="/archive/">Archives</a>', html=True)


class TagIndexTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        make_article(tags=["Économie", "Santé"])
        make_article(tags=["Santé"])
        make_draft(tags=["Embargo"])
        make_scheduled(tags=["Embargo demain"])

    def test_it_lists_every_tag_of_published_articles_with_counts(self):
        response = self.client.get("/tag/")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertInHTML('<a href="/tag/economie/">Économie</a>', html)
        self.assertInHTML('<a href="/tag/sante/">Santé</a>', html)
        self.assertIn("(2 articles)", html)
        # By name, accents ignored: Économie before Santé.
        self.assertLess(html.index("/tag/economie/"), html.index("/tag/sante/"))

    def test_it_keeps_the_tags_of_embargoed_stories_secret(self):
        response = self.client.get("/tag/")
        self.assertNotContains(response, "Embargo")
        self.assertNotContains(response, "/tag/embargo")

    def test_a_tag_of_embargoed_stories_alone_has_no_page_nor_feed(self):
        for url in ["/tag/embargo/", "/tag/embargo-demain/", "/tag/embargo/feed/", "/tag/nope/"]:
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get("/tag/sante/").status_code, 200)
        self.assertEqual(self.client.get("/tag/sante/feed/").status_code, 200)

    def test_the_english_edition_has_its_own(self):
        response = self.client.get("/en/tag/")
        self.assertContains(response, '<a href="/en/tag/sante/">Santé</a>', html=True)
        self.assertContains(self.client.get("/en/"), '<a href="/en/tag/">Tags</a>', html=True)


class FeedLinkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.category = make_category(name="Science", slug="science")
        cls.author = make_editor(slug="amina", display_name="Amina Diallo")
        make_article(category=cls.category, author=cls.author, tags=["Climat"])

    def test_category_tag_and_author_pages_show_their_feed(self):
        for url, feed, label in [
            ("/category/science/", "/category/science/feed/", "Science"),
            ("/tag/climat/", "/tag/climat/feed/", "Climat"),
            ("/author/amina/", "/author/amina/feed/", "Amina Diallo"),
            ("/en/tag/climat/", "/en/tag/climat/feed/", "Climat"),
        ]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, f'<a href="{feed}" type="application/rss+xml">')
                self.assertContains(response, f"{label} par RSS" if "/en/" not in url else label)
