from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.test import RequestFactory, SimpleTestCase, override_settings

from sitewide.http import absolute_url

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"


def render(source: str, request, **context) -> str:
    return Template("{% load carnet %}" + source).render(Context({"request": request, **context}))


@override_settings(ALLOWED_HOSTS=["carnet.example"])
class AbsoluteUrlTests(SimpleTestCase):
    def test_it_joins_the_requests_origin_to_a_path(self):
        request = RequestFactory().get("/anything/?page=2", HTTP_HOST="carnet.example")
        self.assertEqual(
            absolute_url(request, "/articles/x/"), "http://carnet.example/articles/x/"
        )

    def test_it_follows_a_secure_request(self):
        request = RequestFactory().get("/", HTTP_HOST="carnet.example", secure=True)
        self.assertEqual(
            absolute_url(request, "/media/a.jpg"), "https://carnet.example/media/a.jpg"
        )

    def test_an_address_already_whole_is_kept(self):
        # An upload's address when it is in a bucket (MEDIA_STORAGE=s3).
        request = RequestFactory().get("/", HTTP_HOST="carnet.example")
        url = "https://media.example.com/library/a-0123456789ab.jpg"
        self.assertEqual(absolute_url(request, url), url)

    def test_the_template_tag_uses_the_same_helper(self):
        request = RequestFactory().get("/", HTTP_HOST="carnet.example", secure=True)
        self.assertEqual(
            render("{% absolute_url path %}", request, path="/articles/x/"),
            "https://carnet.example/articles/x/",
        )

    def test_the_template_tag_escapes_a_query(self):
        request = RequestFactory().get("/", HTTP_HOST="carnet.example")
        self.assertEqual(
            render("{% absolute_url path %}", request, path="/search/?q=a&lang=en"),
            "http://carnet.example/search/?q=a&amp;lang=en",
        )

    def test_no_template_joins_the_scheme_and_host_itself(self):
        for template in TEMPLATES_DIR.rglob("*"):
            if template.is_file():
                with self.subTest(template=str(template.relative_to(TEMPLATES_DIR))):
                    source = template.read_text()
                    self.assertNotIn("request.scheme", source)
                    self.assertNotIn("request.get_host", source)
