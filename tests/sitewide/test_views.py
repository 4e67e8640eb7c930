"""Health checks and robots.txt: the site's own views."""

import json
from unittest import mock

from django.db import OperationalError, connection
from django.test import TestCase


class HealthTests(TestCase):
    def test_healthz_answers_without_the_database(self):
        with self.assertNumQueries(0):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok"})
        self.assertIn("no-cache", response["Cache-Control"])

    def test_readyz_answers_200_when_the_database_does(self):
        response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok", "database": "up"})
        self.assertIn("no-cache", response["Cache-Control"])

    def test_readyz_answers_503_when_the_database_does_not(self):
        with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
            response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json(), {"status": "unavailable", "database": "down"})


class RobotsTxtTests(TestCase):
    def test_it_points_to_the_sitemap_and_keeps_robots_out_of_search_and_admin(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        lines = response.content.decode().splitlines()
        self.assertIn("User-agent: *", lines)
        self.assertIn("Disallow: /admin/", lines)
        self.assertIn("Disallow: /search/", lines)
        self.assertIn("Sitemap: http://testserver/sitemap.xml", lines)


class CspReportTests(TestCase):
    url = "/csp-report"

    def post(self, body, content_type="application/csp-report"):
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        return self.client.post(self.url, data, content_type=content_type)

    def test_a_report_is_logged_at_warning_and_answered_204(self):
        report = {
            "csp-report": {
                "document-uri": "https://blog.example.org/articles/x/",
                "violated-directive": "script-src",
                "blocked-uri": "https://evil.example/x.js",
                "original-policy": "default-src 'self'; " * 50,
            }
        }
        with self.assertLogs("carnet.csp", level="WARNING") as logs:
            response = self.post(report)
        self.assertEqual(response.status_code, 204)
        self.assertIn("https://evil.example/x.js", logs.output[0])
        self.assertIn("script-src", logs.output[0])
        self.assertNotIn("original-policy", logs.output[0])

    def test_a_reporting_api_list_is_logged_too(self):
        reports = [{"type": "csp-violation", "body": {"blockedURL": "inline"}}]
        with self.assertLogs("carnet.csp", level="WARNING") as logs:
            response = self.post(reports, content_type="application/reports+json")
        self.assertEqual(response.status_code, 204)
        self.assertIn("inline", logs.output[0])

    def test_a_line_break_in_a_report_stays_on_one_log_line(self):
        with self.assertLogs("carnet.csp", level="WARNING") as logs:
            self.post({"csp-report": {"blocked-uri": "x\nFAKE: entry"}})
        self.assertEqual(len(logs.records[0].getMessage().splitlines()), 1)

    def test_a_malformed_report_never_answers_500(self):
        cases = {
            "not json": (b"{nope", 400),
            "not utf-8": (b"\xff\xfe{", 400),
            "deeply nested": (b"[" * 10000 + b"]" * 10000, 413),
            "nested within the limit": (b"[" * 5000 + b"]" * 5000, 400),
            "a number": (b"42", 204),
            "odd shapes": (json.dumps([1, {"body": 3}, {"csp-report": []}]), 204),
            "too large": (json.dumps({"csp-report": {"x": "y" * 20000}}), 413),
            "empty": (b"", 400),
        }
        for case, (body, status) in cases.items():
            with self.subTest(case), self.assertNoLogs("django.request", level="ERROR"):
                self.assertEqual(self.post(body).status_code, status)

    def test_only_post_is_accepted_and_no_csrf_token_is_needed(self):
        self.assertEqual(self.client.get(self.url).status_code, 405)
        client = self.client_class(enforce_csrf_checks=True)
        response = client.post(self.url, "{}", content_type="application/csp-report")
        self.assertEqual(response.status_code, 204)

    def test_pages_send_their_violations_here(self):
        response = self.client.get("/robots.txt")
        self.assertIn("report-uri /csp-report", response["Content-Security-Policy"])
