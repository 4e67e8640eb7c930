""" "Remember me": the reader's details kept in a signed cookie of their browser, by choice."""

import email.message
import http.cookiejar
import re
import urllib.request
from types import SimpleNamespace

from django.test import Client, TestCase

from comments.posting import PENDING_COOKIE, REMEMBER_COOKIE
from sitewide.models import SiteSettings
from tests.base import make_article
from tests.comments.helpers import post_comment


class RememberMeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.article = make_article(slug="remembered")

    def test_the_box_is_offered_unticked(self):
        response = self.client.get("/en/articles/remembered/")
        self.assertContains(
            response,
            '<input type="checkbox" name="remember" id="id_remember">',
            html=True,
        )
        self.assertContains(response, "Remember my name, email and website on this browser")
        self.assertNotContains(response, "Forget me")

    def test_without_the_box_nothing_is_remembered(self):
        response = post_comment(self.client, self.article)
        self.assertNotIn(REMEMBER_COOKIE, response.cookies)

    def test_ticked_it_sets_a_signed_httponly_cookie_and_the_form_comes_back_filled(self):
        response = post_comment(
            self.client,
            self.article,
            remember="on",
            name="Camille",
            email="camille@example.org",
            website="https://camille.example",
        )
        cookie = response.cookies[REMEMBER_COOKIE]
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")
        page = self.client.get("/en/articles/remembered/")
        self.assertContains(page, 'value="Camille"')
        self.assertContains(page, 'value="camille@example.org"')
        self.assertContains(page, 'value="https://camille.example"')
        self.assertContains(
            page,
            '<input type="checkbox" name="remember" id="id_remember" checked>',
            html=True,
        )
        self.assertContains(page, 'href="/en/articles/remembered/forget-me/"')

    def test_the_page_of_a_remembered_reader_is_private_and_never_kept(self):
        post_comment(self.client, self.article, remember="on")
        # Only this cookie: the others (pending list, messages) would make it private anyway.
        reader = Client()
        reader.cookies[REMEMBER_COOKIE] = self.client.cookies[REMEMBER_COOKIE].value
        page = reader.get("/en/articles/remembered/")
        self.assertIn("private", page["Cache-Control"])
        self.assertContains(page, 'value="camille@example.org"')
        # And the anonymous page, kept by the page cache, is not that reader's.
        anonymous = Client().get("/en/articles/remembered/")
        self.assertIn("public", anonymous["Cache-Control"])
        self.assertNotContains(anonymous, "camille@example.org")
        again = reader.get("/en/articles/remembered/")
        self.assertContains(again, 'value="camille@example.org"')

    def test_a_tampered_cookie_is_ignored(self):
        reader = Client()
        reader.cookies[REMEMBER_COOKIE] = '{"name":"Mallory","email":"m@example.org"}'
        page = reader.get("/en/articles/remembered/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "Mallory")

    def test_forget_me_clears_the_cookie_and_goes_back_to_the_form(self):
        post_comment(self.client, self.article, remember="on")
        response = self.client.get("/en/articles/remembered/forget-me/")
        self.assertRedirects(
            response,
            "/en/articles/remembered/#comment-form",
            status_code=303,
            fetch_redirect_response=False,
        )
        self.assertEqual(response.cookies[REMEMBER_COOKIE].value, "")
        page = self.client.get("/en/articles/remembered/")
        self.assertNotContains(page, 'value="camille@example.org"')
        self.assertContains(page, "This browser no longer remembers your details.")

    def test_forget_me_on_an_unknown_article_is_404(self):
        self.assertEqual(self.client.get("/en/articles/nope/forget-me/").status_code, 404)

    def test_posting_with_the_box_unticked_forgets(self):
        post_comment(self.client, self.article, remember="on")
        response = post_comment(self.client, self.article, body="Another one", ip="198.51.100.3")
        self.assertEqual(response.cookies[REMEMBER_COOKIE].value, "")


class CookieOctetsTests(TestCase):
    """The cookies a commenter's browser keeps are RFC 6265 cookie-octets, so that any
    HTTP client, not only a browser, sends them back as they came."""

    COOKIE_OCTETS = re.compile(r"^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$")

    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.article = make_article(slug="jar")

    def test_pythons_cookie_jar_sends_the_details_back_readable(self):
        response = post_comment(
            self.client, self.article, remember="on", name='Zoé "Z", Jr', email="zoe@example.org"
        )
        for name in [REMEMBER_COOKIE, PENDING_COOKIE]:
            with self.subTest(name):
                self.assertRegex(response.cookies[name].value, self.COOKIE_OCTETS)
        # A standard client's cookie jar takes the Set-Cookie headers, and sends them back.
        jar = http.cookiejar.CookieJar()
        request = urllib.request.Request("http://testserver/en/articles/jar/comment/")
        headers = email.message.Message()
        for morsel in response.cookies.values():
            headers["Set-Cookie"] = morsel.OutputString()
        jar.extract_cookies(SimpleNamespace(info=lambda: headers), request)
        again = urllib.request.Request("http://testserver/en/articles/jar/")
        jar.add_cookie_header(again)
        page = Client().get("/en/articles/jar/", HTTP_COOKIE=again.get_header("Cookie"))
        self.assertContains(page, 'value="zoe@example.org"')
        self.assertContains(page, "Zoé &quot;Z&quot;, Jr")
        self.assertContains(page, "comment--pending")  # the pending list came back too
