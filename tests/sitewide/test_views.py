"""Health checks and robots.txt: the site's own views."""

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
