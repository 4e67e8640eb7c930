"""French typography: no-break spaces around French punctuation, never inside markup."""

import pathlib

import polib
from django.test import SimpleTestCase, TestCase
from django.utils import translation

from sitewide.templatetags.carnet import french_spacing
from sitewide.typography import french_html, french_text
from tests.base import make_article, make_editor

N = "\u202f"  # narrow no-break space
S = "\u00a0"  # no-break space


class FrenchTextTests(SimpleTestCase):
    def test_it_puts_a_narrow_no_break_space_before_semicolons_and_marks(self):
        self.assertEqual(
            french_text("Vraiment ? Oui ! Enfin ; bref"), f"Vraiment{N}? Oui{N}! Enfin{N}; bref"
        )

    def test_it_adds_the_missing_space_after_a_word(self):
        self.assertEqual(french_text("Qui?"), f"Qui{N}?")

    def test_it_puts_a_no_break_space_before_a_colon_where_there_was_a_space(self):
        self.assertEqual(french_text("Motif : spam"), f"Motif{S}: spam")

    def test_it_leaves_times_ratios_and_addresses_alone(self):
        for text in [
            "Rendez-vous à 10:30.",
            "Un rapport de 3:2.",
            "Voir https://example.org/?q=a;b!",
        ]:
            with self.subTest(text=text):
                self.assertEqual(french_text(text), text)

    def test_it_spaces_the_inside_of_guillemets(self):
        self.assertEqual(french_text("« Bonjour »"), f"«{N}Bonjour{N}»")
        self.assertEqual(french_text("«Bonjour»"), f"«{N}Bonjour{N}»")

    def test_it_changes_nothing_the_second_time(self):
        text = "« Qui ? » : la question ; enfin !  Oui?!"
        once = french_text(text)
        self.assertEqual(french_text(once), once)


class FrenchHtmlTests(SimpleTestCase):
    def test_it_changes_the_text_only_never_a_tag_or_an_attribute(self):
        html = '<a href="https://example.org/?a=1;b=2" title="Quoi ?">Quoi ?</a>'
        self.assertEqual(
            french_html(html),
            f'<a href="https://example.org/?a=1;b=2" title="Quoi ?">Quoi{N}?</a>',
        )

    def test_it_leaves_character_references_whole(self):
        self.assertEqual(french_html("AT&amp;T &#8212; oui !"), f"AT&amp;T &#8212; oui{N}!")

    def test_it_leaves_code_alone(self):
        html = "<p>Écrivez :</p><pre>a = b ? c : d;</pre><p><code>x ; y</code> ok ?</p>"
        self.assertEqual(
            french_html(html),
            f"<p>Écrivez{S}:</p><pre>a = b ? c : d;</pre><p><code>x ; y</code> ok{N}?</p>",
        )

    def test_it_works_across_inline_markup(self):
        self.assertEqual(french_html("«<em>mot</em>»"), f"«{N}<em>mot</em>{N}»")

    def test_it_changes_nothing_the_second_time(self):
        html = '<p>« Qui ? » <a href="/x?y=1">lien</a> : <code>a;b</code></p>'
        once = french_html(html)
        self.assertEqual(french_html(once), once)


class ArticleTypographyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.author = make_editor()

    def test_a_french_article_is_typeset_when_saved(self):
        article = make_article(
            author=self.author,
            language="fr",
            title="Pourquoi ?",
            standfirst="Réponse : oui",
            body='<p>« Oui » <a href="https://example.org/?q=1">ici</a> !</p><p>À 10:30.</p>',
        )
        article.refresh_from_db()
        self.assertEqual(article.title, f"Pourquoi{N}?")
        self.assertEqual(article.standfirst, f"Réponse{S}: oui")
        self.assertEqual(
            article.body_html,
            f'<p>«{N}Oui{N}» <a href="https://example.org/?q=1">ici</a>{N}!</p><p>À 10:30.</p>',
        )
        # What the editor typed is kept as typed.
        self.assertIn("« Oui »", article.body)

    def test_saving_twice_changes_nothing(self):
        article = make_article(author=self.author, language="fr", title="Et alors ?")
        article.refresh_from_db()
        first = (article.title, article.standfirst, article.body_html)
        article.save()
        article.refresh_from_db()
        self.assertEqual((article.title, article.standfirst, article.body_html), first)

    def test_an_english_article_is_left_as_typed(self):
        article = make_article(
            author=self.author, language="en", title="Why ?", body="<p>A : b</p>"
        )
        article.refresh_from_db()
        self.assertEqual((article.title, article.body_html), ("Why ?", "<p>A : b</p>"))

    def test_the_seed_article_title_is_unchanged(self):
        from demo.content import SEED_STANDFIRST, SEED_TITLE

        article = make_article(
            author=self.author, language="fr", title=SEED_TITLE, standfirst=SEED_STANDFIRST
        )
        self.assertEqual((article.title, article.standfirst), (SEED_TITLE, SEED_STANDFIRST))


class CommentFilterTests(SimpleTestCase):
    def test_comments_are_typeset_on_french_pages_only(self):
        with translation.override("fr"):
            self.assertEqual(french_spacing("<p>Merci !</p>"), f"<p>Merci{N}!</p>")
        with translation.override("en"):
            self.assertEqual(french_spacing("<p>Merci !</p>"), "<p>Merci !</p>")


class CatalogueTests(SimpleTestCase):
    def test_every_french_interface_string_is_typeset(self):
        catalogue = pathlib.Path(__file__).parents[2] / "locale/fr/LC_MESSAGES/django.po"
        wrong = []
        for entry in polib.pofile(str(catalogue)):
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                if text and french_html(text) != text:
                    wrong.append(text)
        self.assertEqual(wrong, [], "apply sitewide.typography.french_html to these msgstrs")
