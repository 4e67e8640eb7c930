"""sitewide.csrf: a form posted from a cached page, protected by the browser's word."""

from django.http import HttpResponse
from django.test import RequestFactory, SimpleTestCase, override_settings

from sitewide.csrf import origin_protected


@origin_protected
def view(request):
    return HttpResponse("stored")


class OriginProtectionTests(SimpleTestCase):
    def post(self, **headers):
        return view(RequestFactory().post("/comment/", {"x": "1"}, headers=headers))

    def test_a_same_origin_post_goes_through(self):
        self.assertEqual(self.post(**{"Sec-Fetch-Site": "same-origin"}).status_code, 200)
        self.assertEqual(self.post(Origin="http://testserver").status_code, 200)

    def test_a_cross_site_post_is_refused(self):
        for headers in [
            {"Sec-Fetch-Site": "cross-site"},
            {"Sec-Fetch-Site": "same-site"},
            {"Origin": "https://evil.example"},
            {"Origin": "null"},
            # Fetch Metadata wins over an Origin that looks right.
            {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
        ]:
            with self.subTest(headers=headers):
                self.assertEqual(self.post(**headers).status_code, 403)

    def test_a_request_no_browser_sent_goes_through(self):
        self.assertEqual(self.post().status_code, 200)

    @override_settings(CSRF_TRUSTED_ORIGINS=["https://blog.example"])
    def test_a_trusted_origin_goes_through(self):
        self.assertEqual(self.post(Origin="https://blog.example").status_code, 200)

    def test_a_signed_in_reader_keeps_the_token_check(self):
        request = RequestFactory().post(
            "/comment/", {"x": "1"}, headers={"Sec-Fetch-Site": "same-origin"}
        )
        request.COOKIES["sessionid"] = "abc"
        self.assertEqual(view(request).status_code, 403)
