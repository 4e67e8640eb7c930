"""Redirects stay home: no address a visitor types, however it is written, makes Carnet
answer with a Location or a link to another site, and no page cache keeps such an answer.

The sweep sends each hostile address through every redirecting path: old ?lang= links
(sitewide.middleware.LocaleMiddleware), old WordPress addresses
(wordpress.middleware.OldAddressMiddleware), Django's added slash, the 404 page's language
switcher and hreflang alternates, and the ``next`` of the sign-in and of moderation."""

import html
import re
from urllib.parse import urlsplit

from django.core.cache import cache
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.test import TestCase
from django.utils.http import url_has_allowed_host_and_scheme

from comments.models import Comment
from sitewide import pagecache
from sitewide.http import is_site_path
from sitewide.models import SiteSettings
from tests.base import PASSWORD, make_article, make_chief_editor, make_comment, make_contributor
from tests.base import sign_in as sign_in_as

# As the server hands them to Django (PATH_INFO, decoded): "%2F%2F" and "%5C" arrive as
# "//" and "\", which browsers read as the start of another host.
HOSTILE_PATHS = [
    "//evil.example/",
    "//evil.example",
    "///evil.example/",
    "////evil.example/",
    "/\\evil.example/",
    "/\\/evil.example/",
    "/\t/evil.example/",
    "//evil.example/articles/",
    "//evil.example/%2F..",
    "/%2F%2Fevil.example/",
    "//evil.example/?",
]
QUERIES = ["", "lang=en", "lang=fr", "lang=xx", "p=12", "lang=en&page=2"]
HOSTILE_NEXT = [
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "https://evil.example/admin/",
    "http:evil.example",
    "\t//evil.example/",
    "/admin/\\\\evil.example",
]
LINK = re.compile(r"""(?:href|src|action)\s*=\s*["']([^"']*)["']""")


class RedirectSweepTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        make_article(slug="home-story")

    def setUp(self):
        cache.clear()

    def assert_stays_home(self, response, label: str) -> None:
        self.assertLess(response.status_code, 500, label)
        location = response.headers.get("Location")
        if location is not None:
            self.assertTrue(is_site_path(location), f"{label}: Location {location!r}")
        if "html" in response.get("Content-Type", ""):
            for link in LINK.findall(response.content.decode()):
                link = html.unescape(link)
                if urlsplit(link).scheme:  # a full address: this site's, or a network's
                    on_site = url_has_allowed_host_and_scheme(link, {"testserver"})
                    self.assertTrue(on_site or "evil" not in link, f"{label}: link {link!r}")
                elif link.startswith(("/", "\\")):
                    self.assertTrue(is_site_path(link), f"{label}: link {link!r}")

    def test_no_hostile_address_is_echoed_into_a_location_or_a_link(self):
        for prefix in ["", "/en"]:
            for path in HOSTILE_PATHS:
                for query in QUERIES:
                    label = f"{prefix}{path}?{query}"
                    with self.subTest(label):
                        response = self.client.get(
                            "/", PATH_INFO=prefix + path, QUERY_STRING=query
                        )
                        self.assert_stays_home(response, label)
                        # Asked again, from whatever the page cache kept.
                        again = self.client.get("/", PATH_INFO=prefix + path, QUERY_STRING=query)
                        self.assert_stays_home(again, label + " (again)")

    def test_the_reported_address_is_a_404_whose_switcher_links_home(self):
        for _ in range(2):  # the second from the page cache
            response = self.client.get("/", PATH_INFO="//evil.example/", QUERY_STRING="lang=en")
            self.assertEqual(response.status_code, 404)
            content = response.content.decode()
            self.assertIn('class="language-switcher__choice" href="/en/" hreflang="en"', content)
            self.assertIn('hreflang="en" href="http://testserver/en/"', content)
            self.assertNotIn("evil.example", content)

    def test_old_lang_links_still_answer_301_on_the_site(self):
        response = self.client.get("/articles/home-story/?lang=en&page=2")
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], "/en/articles/home-story/?page=2")

    def test_the_page_cache_never_keeps_a_redirect_off_the_site(self):
        for location in ["//evil.example/", "https://evil.example/", "///evil.example/"]:
            with self.subTest(location):
                response = pagecache._share(HttpResponsePermanentRedirect(location))
                self.assertNotIn("public", response.get("Cache-Control", ""))
        kept = pagecache._share(HttpResponsePermanentRedirect("/en/"))
        self.assertIn("public", kept["Cache-Control"])
        self.assertIn("public", pagecache._share(HttpResponse("page"))["Cache-Control"])


class NextParameterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.contributor = make_contributor(username="writer")
        cls.chief = make_chief_editor()
        cls.comment = make_comment(status=Comment.Status.PENDING)

    def test_signing_in_never_leads_off_the_site(self):
        for next_url in HOSTILE_NEXT:
            with self.subTest(next_url):
                self.client.logout()
                page = self.client.get("/admin/login/", {"next": next_url})
                kept = re.search(r'name="next" value="([^"]*)"', page.content.decode())[1]
                self.assertTrue(kept == "" or is_site_path(html.unescape(kept)), kept)
                response = self.client.post(
                    "/admin/login/",
                    {"username": "writer", "password": PASSWORD, "next": next_url},
                )
                self.assertEqual(response.status_code, 302)
                self.assertTrue(is_site_path(response["Location"]), response["Location"])

    def test_a_moderation_decision_never_leads_off_the_site(self):
        sign_in_as(self.client, self.chief)
        for next_url in HOSTILE_NEXT:
            with self.subTest(next_url):
                response = self.client.post(
                    f"/admin/comments/comment/{self.comment.pk}/decide/",
                    {"decision": "approve", "next": next_url},
                )
                self.assertEqual(response.status_code, 302)
                self.assertTrue(is_site_path(response["Location"]), response["Location"])
