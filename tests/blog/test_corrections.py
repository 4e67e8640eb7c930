"""Correction notices: added by editors on an article's form, shown at the top of the
story and in its JSON-LD, listed per edition on /corrections/ and in its feeds, kept in
the article's revisions, and forgetting the kept pages that show them."""

import datetime
import xml.etree.ElementTree as ET

from django.test import Client, TestCase
from django.utils import timezone, translation
from reversion.models import Version

from blog.models import Article, Correction
from pages.models import footer_links
from sitewide.models import SiteSettings
from sitewide.revisions import describe
from tests.base import (
    make_article,
    make_chief_editor,
    make_contributor,
    make_draft,
    make_editor,
    sign_in,
)
from tests.blog.test_admin import article_form_data
from tests.blog.test_article_page import json_ld
from tests.test_cache_tags import kept

NOTICE_AT = datetime.datetime(2026, 12, 6, 9, 36, tzinfo=datetime.UTC)
N, S = "\u202f", "\u00a0"
ATOM = "{http://www.w3.org/2005/Atom}"


def make_correction(article: Article, **overrides) -> Correction:
    values = {
        "article": article,
        "kind": Correction.Kind.CORRECTION,
        "text": "An earlier version gave the wrong date for the vote.",
        "created_at": NOTICE_AT,
        **overrides,
    }
    return Correction.objects.create(**values)


class CorrectionModelTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.french = make_article(slug="vote", language="fr")
        cls.english = make_article(slug="poll", language="en", translation=cls.french)

    def test_a_french_notice_is_typeset_when_saved(self):
        notice = make_correction(self.french, text="Le vote a lieu mardi : pas lundi !")
        self.assertEqual(notice.text, f"Le vote a lieu mardi{S}: pas lundi{N}!")

    def test_readers_see_the_notices_of_published_articles_only(self):
        shown = make_correction(self.french)
        make_correction(make_draft(language="fr"))
        make_correction(
            make_article(language="fr", published_at=timezone.now() + datetime.timedelta(days=1))
        )
        self.assertQuerySetEqual(Correction.objects.public(), [shown])

    def test_an_edition_lists_the_notices_of_the_articles_it_lists_newest_first(self):
        older = make_correction(self.french, created_at=NOTICE_AT - datetime.timedelta(days=1))
        newer = make_correction(self.french)
        translated = make_correction(self.english)
        # An English story with no French version is in the French edition too.
        untranslated = make_correction(
            make_article(language="en"), created_at=NOTICE_AT - datetime.timedelta(days=2)
        )
        self.assertQuerySetEqual(
            Correction.objects.for_edition("fr"), [newer, older, untranslated]
        )
        self.assertQuerySetEqual(Correction.objects.for_edition("en"), [translated, untranslated])

    def test_its_address_is_the_notice_on_its_story_in_the_storys_edition(self):
        notice = make_correction(self.english)
        self.assertEqual(notice.get_absolute_url(), f"/en/articles/poll/#correction-{notice.pk}")


class CorrectionPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.article = make_article(slug="vote", title="Le vote", language="fr")
        cls.english = make_article(
            slug="poll", title="The poll", language="en", translation=cls.article
        )
        cls.notice = make_correction(
            cls.article, text="Une version précédente donnait une <mauvaise> date."
        )
        cls.clarification = make_correction(
            cls.english,
            kind=Correction.Kind.CLARIFICATION,
            text="The poll was of voters, not residents.",
        )

    def test_the_story_shows_its_notices_in_a_labelled_region_at_the_top(self):
        response = self.client.get("/articles/vote/")
        html = response.content.decode()
        self.assertContains(
            response,
            '<section class="corrections" aria-labelledby="corrections-title">',
        )
        self.assertContains(
            response,
            '<h2 class="corrections__title" id="corrections-title">'
            "Rectificatifs et précisions</h2>",
            html=True,
        )
        self.assertContains(
            response,
            f'<li id="correction-{self.notice.pk}"><p class="corrections__meta">'
            '<strong>Rectificatif</strong> · <time datetime="2026-12-06T10:36:00+01:00">'
            f"6 décembre 2026 à 10{S}h{S}36</time></p>"
            "<p>Une version précédente donnait une &lt;mauvaise&gt; date.</p></li>",
        )
        # Before the story's text.
        self.assertLess(html.index('class="corrections"'), html.index('class="article__body"'))

    def test_a_story_without_notices_has_no_block(self):
        make_article(slug="clean")
        response = self.client.get("/articles/clean/")
        self.assertNotContains(response, 'class="corrections"')
        self.assertNotIn("correction", json_ld(response))

    def test_the_storys_json_ld_carries_its_notices_as_correction_comments(self):
        data = json_ld(self.client.get("/en/articles/poll/"))
        self.assertEqual(
            data["correction"],
            [
                {
                    "@type": "CorrectionComment",
                    "text": "Clarification: The poll was of voters, not residents.",
                    "datePublished": "2026-12-06T10:36:00+01:00",
                }
            ],
        )

    def test_each_edition_lists_its_own_articles_notices(self):
        SiteSettings.load()  # from the cache, as on every page but a worker's first
        footer_links()  # the footer's pages too
        # The count, the page of notices with their articles, the menu's categories.
        with self.assertNumQueries(3):
            french = self.client.get("/corrections/")
        self.assertContains(
            french, '<h1 class="page-title">Rectificatifs et précisions</h1>', html=True
        )
        self.assertContains(french, f'href="/articles/vote/#correction-{self.notice.pk}"')
        self.assertNotContains(french, "The poll")
        english = self.client.get("/en/corrections/")
        self.assertContains(
            english, '<h1 class="page-title">Corrections and clarifications</h1>', html=True
        )
        self.assertContains(
            english, f'href="/en/articles/poll/#correction-{self.clarification.pk}"'
        )
        self.assertContains(english, "December 6, 2026, 10:36")
        self.assertNotContains(english, "Le vote")

    def test_the_list_is_paginated_newest_first(self):
        for n in range(12):
            make_correction(
                self.article,
                text=f"Notice {n}.",
                created_at=NOTICE_AT + datetime.timedelta(minutes=n),
            )
        first = self.client.get("/corrections/")
        self.assertLess(
            first.content.decode().index("Notice 11."), first.content.decode().index("Notice 10.")
        )
        second = self.client.get("/corrections/?page=2")
        self.assertContains(second, "Une version précédente")
        self.assertEqual(self.client.get("/corrections/?page=9").status_code, 404)
        self.assertEqual(self.client.get("/corrections/?page=x").status_code, 404)

    def test_a_draft_s_notice_is_on_no_public_page(self):
        draft = make_draft(slug="secret", title="Secret draft", language="fr")
        make_correction(draft, text="Embargoed.")
        self.assertNotContains(self.client.get("/corrections/"), "Embargoed")
        self.assertNotContains(self.client.get("/corrections/feed/"), "Embargoed")

    def test_the_feeds_carry_each_editions_notices(self):
        rss = ET.fromstring(self.client.get("/corrections/feed/").content)
        items = rss.findall("./channel/item")
        self.assertEqual(
            [(item.findtext("title"), item.findtext("link")) for item in items],
            [
                (
                    f"Rectificatif{S}: Le vote",
                    f"http://testserver/articles/vote/#correction-{self.notice.pk}",
                )
            ],
        )
        self.assertEqual(
            items[0].findtext("description"),
            "Une version précédente donnait une &lt;mauvaise&gt; date.",
        )
        atom = ET.fromstring(self.client.get("/en/corrections/feed/atom/").content)
        entries = atom.findall(f"{ATOM}entry")
        self.assertEqual(
            [entry.findtext(f"{ATOM}title") for entry in entries], ["Clarification: The poll"]
        )
        self.assertEqual(entries[0].findtext(f"{ATOM}published"), "2026-12-06T09:36:00+00:00")

    def test_the_page_names_its_feed_and_the_footer_links_the_page(self):
        response = self.client.get("/corrections/")
        self.assertContains(response, 'href="/corrections/feed/"')
        self.assertContains(
            self.client.get("/"), '<a href="/corrections/">Rectificatifs</a>', html=True
        )
        self.assertContains(
            self.client.get("/en/"), '<a href="/en/corrections/">Corrections</a>', html=True
        )


class CorrectionCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.article = make_article(slug="vote")

    def test_a_new_notice_forgets_its_story_and_the_corrections_pages(self):
        pages = [
            "/articles/vote/",
            "/en/articles/vote/",
            "/corrections/",
            "/en/corrections/",
            "/corrections/feed/",
            "/corrections/feed/atom/",
        ]
        for url in pages:
            self.assertEqual(Client().get(url).status_code, 200, url)
            self.assertTrue(kept(url), url)
        with self.captureOnCommitCallbacks(execute=True):
            make_correction(self.article, text="Fixed the date.")
        self.assertEqual([url for url in pages if kept(url)], [])
        self.assertContains(Client().get("/corrections/"), "Fixed the date.")
        self.assertContains(Client().get("/articles/vote/"), "Fixed the date.")

    def test_retitling_a_corrected_story_forgets_the_corrections_page(self):
        make_correction(self.article)
        self.assertEqual(Client().get("/corrections/").status_code, 200)
        with self.captureOnCommitCallbacks(execute=True):
            self.article.title = "A new title"
            self.article.save()
        self.assertContains(Client().get("/corrections/"), "A new title")


def inline_data(*notices: dict, initial: int = 0) -> dict:
    """The correction notices' part of the article's change form."""
    data = {
        "corrections-TOTAL_FORMS": str(len(notices)),
        "corrections-INITIAL_FORMS": str(initial),
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
    }
    for n, notice in enumerate(notices):
        data.update({f"corrections-{n}-{name}": value for name, value in notice.items()})
    return data


class CorrectionAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.editor = make_editor(display_name="Ed Itor")
        cls.article = make_article(author=cls.editor, slug="vote", title="Le vote")

    def change_url(self, article: Article) -> str:
        return f"/admin/blog/article/{article.pk}/change/"

    def post(self, user, article: Article, *notices: dict, initial: int = 0):
        sign_in(self.client, user)
        published = timezone.localtime(article.published_at)
        return self.client.post(
            self.change_url(article),
            {
                **article_form_data(
                    title=article.title,
                    slug=article.slug,
                    author=article.author_id,
                    published_at_0=f"{published:%Y-%m-%d}",
                    published_at_1=f"{published:%H:%M:%S}",
                ),
                **inline_data(*notices, initial=initial),
            },
        )

    def notice(self, **overrides) -> dict:
        return {
            "kind": "correction",
            "text": "The vote is on Tuesday, not Monday.",
            "created_at_0": "2026-12-06",
            "created_at_1": "10:36:00",
            **overrides,
        }

    def test_an_editor_adds_a_notice_on_the_articles_form(self):
        sign_in(self.client, self.editor)
        self.assertContains(
            self.client.get(self.change_url(self.article)), "corrections-TOTAL_FORMS"
        )
        response = self.post(self.editor, self.article, self.notice())
        self.assertEqual(response.status_code, 302, response.content[:3000])
        notice = Correction.objects.get()
        self.assertEqual(
            (notice.article, notice.author, notice.created_at, notice.text),
            (self.article, self.editor, NOTICE_AT, "The vote is on Tuesday, not Monday."),
        )

    def test_the_revision_records_the_notices_and_the_history_names_them(self):
        self.post(self.editor, self.article, self.notice())
        version = Version.objects.get_for_object(self.article).order_by("-pk").first()
        kept_notices = version.revision.version_set.filter(content_type__model="correction")
        self.assertEqual(
            [v.field_dict["text"] for v in kept_notices], ["The vote is on Tuesday, not Monday."]
        )
        self.assertIn('"corrections"', version.revision.comment)
        with translation.override("en"):
            self.assertIn("correction notices", describe(version.revision.comment, Article))

    def test_a_notice_dated_in_the_future_is_refused_and_kept_in_the_form(self):
        tomorrow = timezone.localtime() + datetime.timedelta(days=1)
        response = self.post(
            self.editor,
            self.article,
            self.notice(created_at_0=f"{tomorrow:%Y-%m-%d}", text="Not yet."),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Une notice ne peut pas être datée dans le futur.")
        self.assertContains(response, "Not yet.")
        self.assertFalse(Correction.objects.exists())

    def test_a_draft_has_no_notices_to_add(self):
        draft = make_draft(author=self.editor)
        sign_in(self.client, self.editor)
        self.assertNotContains(self.client.get(self.change_url(draft)), "corrections-TOTAL_FORMS")

    def test_an_editor_cannot_add_a_notice_to_another_editors_article(self):
        other = make_article(author=make_editor(), slug="someone-elses")
        # Not in the articles the editor may open: the admin says it does not exist.
        response = self.post(self.editor, other, self.notice())
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
        self.assertFalse(Correction.objects.exists())

    def test_the_editor_in_chief_corrects_anyones_article(self):
        chief = make_chief_editor()
        response = self.post(chief, self.article, self.notice())
        self.assertEqual(response.status_code, 302, response.content[:3000])
        self.assertEqual(Correction.objects.get().author, chief)

    def test_a_contributor_has_no_corrections_to_write(self):
        contributor = make_contributor()
        self.assertFalse(contributor.has_perm("blog.add_correction"))
        draft = make_draft(author=contributor)
        sign_in(self.client, contributor)
        self.assertNotContains(self.client.get(self.change_url(draft)), "corrections-TOTAL_FORMS")

    def test_an_empty_notice_is_refused_with_the_form_kept(self):
        response = self.post(self.editor, self.article, self.notice(text=""))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "errorlist")
        self.assertFalse(Correction.objects.exists())

    def test_an_editor_removes_a_notice(self):
        notice = make_correction(self.article)
        existing = {
            **self.notice(),
            "id": str(notice.pk),
            "article": str(self.article.pk),
            "DELETE": "on",
        }
        response = self.post(self.editor, self.article, existing, initial=1)
        self.assertEqual(response.status_code, 302, response.content[:3000])
        self.assertFalse(Correction.objects.exists())

    def test_restoring_an_earlier_revision_keeps_the_notices(self):
        self.post(self.editor, self.article)  # a revision from before the notice
        self.post(self.editor, self.article, self.notice())
        first = Version.objects.get_for_object(self.article).order_by("pk").first()
        url = f"/admin/blog/article/{self.article.pk}/history/{first.pk}/restore/"
        self.assertRedirects(
            self.client.post(url),
            f"/admin/blog/article/{self.article.pk}/history/",
            fetch_redirect_response=False,
        )
        self.assertEqual(
            list(Correction.objects.values_list("text", flat=True)),
            ["The vote is on Tuesday, not Monday."],
        )

    def test_a_notice_sent_with_a_refused_stale_save_is_kept_through_the_merge(self):
        sign_in(self.client, self.editor)
        opened = self.client.get(self.change_url(self.article)).context["edited_from"]
        self.post(self.editor, self.article)  # someone's save in between
        published = timezone.localtime(self.article.published_at)
        stale = {
            **article_form_data(
                title=self.article.title,
                slug=self.article.slug,
                author=self.editor.pk,
                published_at_0=f"{published:%Y-%m-%d}",
                published_at_1=f"{published:%H:%M:%S}",
                _edited_from=opened,
            ),
            **inline_data(self.notice(text="Typed before the conflict.")),
        }
        refused = self.client.post(self.change_url(self.article), stale)
        self.assertEqual(refused.status_code, 409)
        merged = self.client.post(
            self.change_url(self.article),
            {
                **dict(refused.context["kept"]),
                "_edited_from": refused.context["edited_from"],
                "_conflict": "merge",
            },
        )
        self.assertEqual(merged.status_code, 200)
        self.assertContains(merged, "Typed before the conflict.")
        self.assertFalse(Correction.objects.exists())  # not saved yet
