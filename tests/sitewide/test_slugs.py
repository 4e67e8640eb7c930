"""Slugs write out the Latin letters that Unicode does not decompose."""

from django.test import SimpleTestCase

from sitewide.slugs import slugify


class SlugifyTests(SimpleTestCase):
    def test_it_writes_out_french_ligatures(self):
        self.assertEqual(slugify("au cœur des tensions"), "au-coeur-des-tensions")
        self.assertEqual(slugify("Œuvres complètes, Lætitia"), "oeuvres-completes-laetitia")

    def test_it_writes_out_the_rest_of_latin(self):
        self.assertEqual(slugify("Straße"), "strasse")
        self.assertEqual(slugify("Ærø, Łódź, Đakovo"), "aero-lodz-dakovo")
        self.assertEqual(slugify("Þórður Guðjohnsen"), "thordur-gudjohnsen")

    def test_an_elision_or_a_dash_parts_the_words(self):
        self.assertEqual(slugify("L’été de l'Assemblée"), "l-ete-de-l-assemblee")
        self.assertEqual(slugify("Paris–Berlin/Moscou"), "paris-berlin-moscou")

    def test_it_cuts_without_a_trailing_hyphen(self):
        self.assertEqual(slugify("au cœur des tensions", max_length=9), "au-coeur")

    def test_a_title_with_no_latin_letter_has_no_slug(self):
        self.assertEqual(slugify("Россия !!!"), "")
