from django.contrib.auth.models import Group
from django.test import TestCase

from accounts.models import User
from tests.base import make_editor, make_superuser, sign_in


def profile_form_data(user: User, **overrides) -> dict:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "slug": user.slug,
        "role": user.role,
        "bio": user.bio,
        "website": "",
        "facebook_url": "",
        "telegram_url": "",
        "x_url": "",
        "linkedin_url": "",
        **overrides,
    }


class EditorUserAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor(display_name="Amina Diallo")
        cls.other = make_editor(display_name="Marc Lefèvre")

    def setUp(self):
        self.client.force_login(self.editor)
        self.own_url = f"/admin/accounts/user/{self.editor.pk}/change/"

    def test_an_editor_can_edit_their_own_profile(self):
        response = self.client.get(self.own_url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'name="bio"')
        response = self.client.post(
            self.own_url,
            profile_form_data(
                self.editor, role="Journaliste", bio="Une bio.", accepts_contact="on"
            ),
        )
        self.assertEqual(response.status_code, 302)
        self.editor.refresh_from_db()
        self.assertEqual((self.editor.role, self.editor.bio), ("Journaliste", "Une bio."))
        self.assertTrue(self.editor.accepts_contact)

    def test_the_profile_form_offers_nothing_that_grants_power(self):
        form = self.client.get(self.own_url).context["adminform"].form
        for field in ["is_superuser", "is_staff", "is_active", "groups", "user_permissions",
                      "username"]:  # fmt: skip
            with self.subTest(field=field):
                self.assertNotIn(field, form.fields)

    def test_an_editor_cannot_make_themselves_superuser_or_join_groups(self):
        moderators = Group.objects.get(name="Moderators")
        response = self.client.post(
            self.own_url,
            profile_form_data(
                self.editor,
                is_superuser="on",
                is_staff="on",
                groups=[moderators.pk],
                user_permissions=[1],
                username="root",
            ),
        )
        self.assertEqual(response.status_code, 302)
        self.editor.refresh_from_db()
        self.assertFalse(self.editor.is_superuser)
        self.assertNotEqual(self.editor.username, "root")
        self.assertEqual(list(self.editor.groups.values_list("name", flat=True)), ["Editors"])
        self.assertFalse(self.editor.user_permissions.exists())

    def test_an_editor_sees_only_themselves_in_the_user_list(self):
        response = self.client.get("/admin/accounts/user/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(response.context["cl"].result_list), [self.editor])

    def test_an_editor_cannot_open_another_user(self):
        # The user is outside the editor's queryset: the admin redirects to its index.
        response = self.client.get(f"/admin/accounts/user/{self.other.pk}/change/")
        self.assertRedirects(response, "/admin/")

    def test_an_editor_cannot_change_another_user(self):
        response = self.client.post(
            f"/admin/accounts/user/{self.other.pk}/change/",
            profile_form_data(self.other, display_name="Hijacked"),
        )
        self.assertRedirects(response, "/admin/")
        self.other.refresh_from_db()
        self.assertEqual(self.other.display_name, "Marc Lefèvre")

    def test_an_editor_cannot_change_another_users_password(self):
        url = f"/admin/accounts/user/{self.other.pk}/password/"
        response = self.client.post(
            url, {"password1": "x-Long-pass-42", "password2": "x-Long-pass-42"}
        )
        self.assertEqual(response.status_code, 404)
        self.other.refresh_from_db()
        self.assertFalse(self.other.check_password("x-Long-pass-42"))

    def test_an_editor_cannot_add_or_delete_users(self):
        self.assertEqual(self.client.get("/admin/accounts/user/add/").status_code, 403)
        response = self.client.post(
            f"/admin/accounts/user/{self.editor.pk}/delete/", {"post": "yes"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertTrue(User.objects.filter(pk=self.editor.pk).exists())


class SuperuserUserAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_superuser()
        cls.editor = make_editor()

    def setUp(self):
        sign_in(self.client, self.admin)

    def test_a_superuser_sees_every_user_and_the_full_form(self):
        response = self.client.get("/admin/accounts/user/")
        self.assertEqual(set(response.context["cl"].result_list), {self.admin, self.editor})
        form = (
            self.client.get(f"/admin/accounts/user/{self.editor.pk}/change/")
            .context["adminform"]
            .form
        )
        self.assertIn("is_superuser", form.fields)
        self.assertIn("groups", form.fields)
        self.assertIn("bio", form.fields)

    def test_a_superuser_can_add_users(self):
        self.assertEqual(self.client.get("/admin/accounts/user/add/").status_code, 200)
