"""A database outage answers 503 with Retry-After, in the reader's language, logged once."""

from unittest import mock

from django.db import OperationalError, connection
from django.db.backends.signals import connection_created
from django.db.backends.utils import CursorWrapper
from django.test import Client, TestCase

from sitewide import middleware
from tests.base import make_article


def database_down():
    return mock.patch.object(
        CursorWrapper, "execute", side_effect=OperationalError("connection refused")
    )


class DatabaseOutageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(slug="lettre")

    def setUp(self):
        patcher = mock.patch.object(middleware, "_outage_logged", False)
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_pages_answer_503_with_retry_after_and_the_outage_is_logged_once(self):
        with database_down(), self.assertLogs("sitewide.middleware") as logs:
            for path in ["/", "/articles/lettre/", "/en/articles/lettre/", "/search/?q=x"]:
                with self.subTest(path):
                    response = self.client.get(path)
                    self.assertEqual(response.status_code, 503)
                    self.assertEqual(response["Retry-After"], "10")
                    self.assertIn("no-store", response["Cache-Control"])
                    self.assertTemplateUsed(response, "503.html")
        self.assertEqual(len(logs.records), 1)
        self.assertEqual(logs.records[0].levelname, "ERROR")
        self.assertIn("unreachable", logs.output[0])

    def test_the_page_is_in_the_readers_language(self):
        with database_down(), self.assertLogs("sitewide.middleware"):
            french = self.client.get("/articles/lettre/")
            english = self.client.get("/en/articles/lettre/")
        self.assertContains(french, '<html lang="fr">', status_code=503)
        self.assertContains(french, "Momentanément indisponible", status_code=503)
        self.assertContains(french, 'href="/"', status_code=503)
        self.assertContains(english, '<html lang="en">', status_code=503)
        self.assertContains(english, "Temporarily unavailable", status_code=503)
        self.assertContains(english, 'href="/en/"', status_code=503)

    def test_a_new_connection_ends_the_outage_and_the_next_one_is_logged_again(self):
        with self.assertLogs("sitewide.middleware") as logs:
            with database_down():
                self.client.get("/")
                self.client.get("/")
            connection_created.send(sender=type(connection), connection=connection)
            with database_down():
                self.client.get("/")
        self.assertEqual(
            [record.levelname for record in logs.records], ["ERROR", "WARNING", "ERROR"]
        )
        self.assertIn("answers again", logs.output[1])

    def test_a_comment_posted_during_an_outage_is_refused_and_its_text_given_back(self):
        with database_down(), self.assertLogs("sitewide.middleware"):
            response = self.client.post(
                "/articles/lettre/comment/",
                {"name": "Zoé", "email": "zoe@example.org", "body": "Mon <long> avis"},
            )
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "10")
        self.assertContains(response, "n’a pas été enregistré", status_code=503)
        self.assertContains(
            response,
            '<textarea id="kept-text" readonly>Mon &lt;long&gt; avis</textarea>',
            status_code=503,
        )
        self.assertNotContains(response, "zoe@example.org", status_code=503)

    def test_readyz_keeps_answering_503(self):
        with database_down():
            response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 503)

    def test_other_errors_stay_500(self):
        with (
            mock.patch("blog.views.render", side_effect=ValueError("bug")),
            self.assertRaises(ValueError),
        ):
            self.client.get("/articles/lettre/")


class OutsideAViewTests(TestCase):
    def test_a_database_error_in_a_middleware_answers_503_too(self):
        client = Client(raise_request_exception=False)
        with (
            mock.patch(
                "django.contrib.sessions.middleware.SessionMiddleware.process_response",
                side_effect=OperationalError("connection refused"),
            ),
            self.assertLogs("django.request", level="ERROR"),
        ):
            response = client.get("/en/")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "10")
        self.assertContains(response, "Temporarily unavailable", status_code=503)

    def test_any_other_error_there_is_still_a_500(self):
        client = Client(raise_request_exception=False)
        with (
            mock.patch(
                "django.contrib.sessions.middleware.SessionMiddleware.process_response",
                side_effect=ValueError("bug"),
            ),
            self.assertLogs("django.request", level="ERROR"),
        ):
            response = client.get("/robots.txt")
        self.assertEqual(response.status_code, 500)
