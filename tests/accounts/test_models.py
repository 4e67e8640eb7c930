from django.test import TestCase

from accounts.models import User, colour_index_for, initials_for
from tests.base import make_article, make_editor, make_superuser, make_user


class UserSlugTests(TestCase):
    def test_it_fills_the_slug_from_the_display_name(self):
        self.assertEqual(make_user(display_name="Houssen Moshinaly").slug, "houssen-moshinaly")

    def test_it_fills_the_slug_from_the_full_name(self):
        user = make_user(first_name="Amina", last_name="Diallo")
        self.assertEqual(user.slug, "amina-diallo")

    def test_it_transliterates_accents(self):
        self.assertEqual(make_user(display_name="Marc Lefèvre").slug, "marc-lefevre")

    def test_it_keeps_slugs_unique(self):
        first = make_user(display_name="Claire Dubois")
        second = make_user(display_name="Claire Dubois")
        third = make_user(display_name="Claire  Dubois!")
        self.assertEqual(
            [first.slug, second.slug, third.slug],
            ["claire-dubois", "claire-dubois-2", "claire-dubois-3"],
        )

    def test_it_keeps_a_given_slug(self):
        self.assertEqual(make_user(display_name="Name", slug="chosen").slug, "chosen")

    def test_it_keeps_the_slug_when_the_name_changes(self):
        user = make_user(display_name="Old Name")
        user.display_name = "New Name"
        user.save()
        self.assertEqual(user.slug, "old-name")

    def test_a_name_without_letters_gives_a_generic_slug(self):
        self.assertEqual(make_user(display_name="???").slug, "author")

    def test_a_reader_without_a_name_has_no_author_page(self):
        self.assertIsNone(make_user().slug)

    def test_staff_without_a_name_get_an_author_page_named_after_their_username(self):
        # A superuser made with createsuperuser has no name, yet can sign articles.
        admin = make_superuser(username="chief")
        self.assertEqual(admin.slug, "chief")
        self.assertEqual(admin.get_absolute_url(), "/author/chief/")

    def test_an_article_by_staff_without_a_name_links_to_a_real_author_page(self):
        admin = make_superuser(username="chief")
        article = make_article(author=admin)
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, 'href="/author/chief/"')
        self.assertEqual(self.client.get("/author/chief/").status_code, 200)

    def test_slugs_are_unique_in_the_database(self):
        make_user(slug="taken")
        with self.assertRaises(Exception):  # noqa: B017 - IntegrityError, wrapped per backend
            User.objects.create(username="other", slug="taken")


class UserNameTests(TestCase):
    def test_get_absolute_url(self):
        self.assertEqual(make_editor(slug="x").get_absolute_url(), "/author/x/")

    def test_public_name_prefers_the_display_name(self):
        user = make_user(display_name="Pen Name", first_name="Real", last_name="Name")
        self.assertEqual(user.public_name, "Pen Name")

    def test_public_name_falls_back_to_the_full_name_then_the_username(self):
        self.assertEqual(make_user(first_name="Real", last_name="Name").public_name, "Real Name")
        self.assertEqual(make_user(username="jdoe").public_name, "jdoe")

    def test_str_is_the_public_name(self):
        self.assertEqual(str(make_user(display_name="Pen Name")), "Pen Name")

    def test_users_are_ordered_by_display_name_then_username(self):
        b = make_user(username="a", display_name="B")
        a = make_user(username="z", display_name="A")
        self.assertQuerySetEqual(User.objects.filter(pk__in=[a.pk, b.pk]), [a, b])


class InitialsTests(TestCase):
    def test_initials_are_the_first_and_last_words(self):
        self.assertEqual(initials_for("Houssen Moshinaly"), "HM")
        self.assertEqual(initials_for("Jean-Pierre de la Fontaine"), "JF")

    def test_a_single_word_gives_one_initial(self):
        self.assertEqual(initials_for("madonna"), "M")

    def test_symbols_are_skipped(self):
        self.assertEqual(initials_for("@ann & bob"), "B")
        self.assertEqual(initials_for("???"), "?")
        self.assertEqual(initials_for(""), "?")

    def test_accented_initials_are_kept(self):
        self.assertEqual(initials_for("élodie Ødegaard"), "ÉØ")

    def test_the_user_property_uses_the_public_name(self):
        self.assertEqual(make_user(display_name="Amina Diallo").initials, "AD")

    def test_the_avatar_colour_is_stable_and_in_range(self):
        self.assertEqual(colour_index_for("Amina Diallo"), colour_index_for("Amina Diallo"))
        for name in ["a", "Amina Diallo", "Марк", "x" * 300]:
            with self.subTest(name=name):
                self.assertIn(colour_index_for(name), range(7))


class ContactTests(TestCase):
    def test_an_author_can_be_contacted_when_they_accept_and_have_an_email(self):
        self.assertTrue(make_editor(accepts_contact=True).can_be_contacted())

    def test_not_without_consent(self):
        self.assertFalse(make_editor(accepts_contact=False).can_be_contacted())

    def test_not_without_an_email(self):
        self.assertFalse(make_editor(accepts_contact=True, email="").can_be_contacted())

    def test_not_once_deactivated(self):
        self.assertFalse(make_editor(accepts_contact=True, is_active=False).can_be_contacted())

    def test_social_links_skip_empty_urls(self):
        user = make_editor(x_url="https://x.com/a", linkedin_url="https://linkedin.com/in/a")
        self.assertEqual(
            user.social_links,
            [("X", "https://x.com/a"), ("LinkedIn", "https://linkedin.com/in/a")],
        )
