"""The pages read what they know of languages from sitewide.languages, the one table."""

import datetime
import itertools
from unittest import mock

from django.conf import settings
from django.test import RequestFactory, SimpleTestCase, TestCase
from django.utils import dateformat, timezone, translation
from django.views.defaults import server_error

from sitewide import languages
from sitewide.models import SiteSettings


def home(code: str) -> str:
    """The home page in one language: the site's own at the root, the others under /code/."""
    return "/" if code == settings.LANGUAGE_CODE else f"/{code}/"


class LanguageTableTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()

    def test_the_switcher_names_each_language_of_the_table_in_itself(self):
        for page_language, language in itertools.product(languages.LANGUAGES, repeat=2):
            with self.subTest(page=page_language.code, language=language.code):
                response = self.client.get(home(page_language.code))
                self.assertRegex(
                    response.content.decode(),
                    rf'class="language-switcher__\w+"[^>]* lang="{language.code}"[^>]*>'
                    rf"{language.name}</",
                )

    def test_a_page_works_out_its_address_in_each_language_once(self):
        # Its alternates and its two switchers (the header's and the phone menu's) name them.
        with mock.patch.object(
            languages, "translate_path", wraps=languages.translate_path
        ) as translate:
            response = self.client.get("/search/?q=paix")
        self.assertContains(response, 'href="/en/search/?q=paix"', count=2)
        self.assertEqual(
            sorted(call.args for call in translate.call_args_list),
            [("/search/?q=paix", "en"), ("/search/?q=paix", "fr")],
        )

    def test_each_language_of_the_table_has_its_address(self):
        for language in languages.LANGUAGES:
            with self.subTest(language=language.code):
                response = self.client.get(home(language.code))
                self.assertContains(response, f'<html lang="{language.code}">')

    def test_a_prefix_outside_the_table_is_no_page(self):
        self.assertEqual(self.client.get("/de/").status_code, 404)

    def test_the_500_page_is_in_the_language_it_is_written_in(self):
        request = RequestFactory().get("/")
        for language in languages.LANGUAGES:
            with self.subTest(language=language.code), translation.override(language.code):
                response = server_error(request)
                self.assertIn(f'<html lang="{language.code}">'.encode(), response.content)


class FullTimeFormatterTests(SimpleTestCase):
    def test_it_words_each_time_as_full_time_does(self):
        # Every month, its first day (1er décembre) and hours with one digit and two.
        times = [
            datetime.datetime(2026, month, day, hour, minute, tzinfo=datetime.UTC)
            for month in range(1, 13)
            for day, hour, minute in [(1, 0, 5), (1, 23, 59), (15, 9, 0), (28, 14, 36)]
        ]
        for language in languages.LANGUAGES:
            with self.subTest(language=language.code), translation.override(language.code):
                worded = languages.full_time_formatter()
                for when in times:
                    local = timezone.localtime(when)
                    self.assertEqual(worded(local), languages.full_time(when))

    def test_a_format_with_other_fields_is_worded_by_django(self):
        with mock.patch.object(languages, "full_time_format", return_value="l j F Y, P"):
            when = timezone.localtime(datetime.datetime(2026, 12, 6, 9, 36, tzinfo=datetime.UTC))
            self.assertEqual(
                languages.full_time_formatter()(when), dateformat.format(when, "l j F Y, P")
            )
