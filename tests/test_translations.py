"""Carnet speaks French and English: complete catalogues, kept up to date, plurals right."""

import datetime
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib
from django.test import SimpleTestCase
from django.utils import formats, translation

from comments.templatetags.comments import comment_count_label

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ["fr", "en"]
# The same options as the documented makemessages command (README.md, Testing).
MAKEMESSAGES_IGNORE = [".venv", "var", "build", "tests", "docs", "node_modules"]


def catalogue(language: str, root: Path = ROOT) -> polib.POFile:
    return polib.pofile(str(root / "locale" / language / "LC_MESSAGES" / "django.po"))


def msgids(po: polib.POFile) -> set[tuple[str | None, str, str]]:
    return {(e.msgctxt, e.msgid, e.msgid_plural) for e in po if not e.obsolete}


class CatalogueTests(SimpleTestCase):
    def test_every_string_is_translated_and_none_is_fuzzy(self):
        for language in LANGUAGES:
            po = catalogue(language)
            untranslated = [e.msgid for e in po.untranslated_entries()]
            fuzzy = [e.msgid for e in po.fuzzy_entries()]
            with self.subTest(language=language):
                self.assertEqual(untranslated, [], f"untranslated in locale/{language}")
                self.assertEqual(fuzzy, [], f"fuzzy in locale/{language}")
                self.assertGreater(len(po), 100)

    def test_the_catalogues_hold_every_string_of_the_code_and_templates(self):
        """makemessages, run on a copy of the project, finds no string the catalogue lacks."""
        copy = Path(self.enterContext(tempfile.TemporaryDirectory())) / "carnet"
        shutil.copytree(
            ROOT,
            copy,
            ignore=shutil.ignore_patterns(".git", *MAKEMESSAGES_IGNORE, "__pycache__", "*.mo"),
        )
        command = [sys.executable, "manage.py", "makemessages", "--no-location"]
        command += [f"--locale={language}" for language in LANGUAGES]
        command += [f"--ignore={folder}" for folder in MAKEMESSAGES_IGNORE]
        subprocess.run(
            command,
            cwd=copy,
            env={**os.environ, "DEBUG": "1"},
            check=True,
            capture_output=True,
        )
        for language in LANGUAGES:
            with self.subTest(language=language):
                expected, kept = msgids(catalogue(language, copy)), msgids(catalogue(language))
                self.assertEqual(
                    sorted(expected - kept, key=str),
                    [],
                    f"strings missing from locale/{language}: run makemessages (README, Testing)",
                )
                self.assertEqual(
                    sorted(kept - expected, key=str),
                    [],
                    f"strings no longer used in locale/{language}: run makemessages",
                )


class LocalisationTests(SimpleTestCase):
    def test_comment_counts_use_each_languages_plural(self):
        expected = {
            "fr": ["Aucun commentaire", "1 commentaire", "2 commentaires"],
            "en": ["No comments", "1 comment", "2 comments"],
        }
        for language, labels in expected.items():
            with translation.override(language), self.subTest(language=language):
                self.assertEqual([comment_count_label(n) for n in (0, 1, 2)], labels)

    def test_dates_and_numbers_are_localised(self):
        day = datetime.date(2026, 11, 3)
        with translation.override("fr"):
            self.assertEqual(formats.date_format(day, "DATE_FORMAT"), "3 novembre 2026")
            self.assertEqual(formats.number_format(1234.5, 1), "1234,5")
        with translation.override("en"):
            self.assertEqual(formats.date_format(day, "DATE_FORMAT"), "Nov. 3, 2026")
            self.assertEqual(formats.number_format(1234.5, 1), "1234.5")

    def test_the_interface_is_french_and_english(self):
        with translation.override("fr"):
            self.assertEqual(translation.gettext("Leave a comment"), "Laisser un commentaire")
        with translation.override("en"):
            self.assertEqual(translation.gettext("Leave a comment"), "Leave a comment")
