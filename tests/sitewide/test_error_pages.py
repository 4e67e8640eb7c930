"""The 404 and 500 pages, rendered from the site-wide templates."""

from django.test import RequestFactory, TestCase
from django.views.defaults import server_error

from sitewide.models import SiteSettings


class ErrorPageTests(TestCase):
    def test_the_404_page_uses_the_site_design(self):
        SiteSettings.objects.create(site_name="Le Carnet")
        response = self.client.get("/articles/nowhere/")
        self.assertEqual(response.status_code, 404)
        self.assertTemplateUsed(response, "404.html")
        self.assertTemplateUsed(response, "base.html")
        self.assertContains(response, "Le Carnet", status_code=404)
        self.assertContains(response, 'name="robots" content="noindex"', status_code=404)

    def test_the_500_page_renders_without_the_database(self):
        request = RequestFactory().get("/")
        with self.assertNumQueries(0):
            response = server_error(request)
        self.assertEqual(response.status_code, 500)
        self.assertIn(b'<main id="main"', response.content)
        self.assertIn(b'href="/"', response.content)
        self.assertIn(b"/static/css/carnet.css", response.content)
