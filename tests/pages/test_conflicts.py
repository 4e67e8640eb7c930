"""Pages get the articles' conflict check: no save overwrites another unseen."""

from django.test import Client, TestCase

from pages.models import Page
from sitewide.models import SiteSettings
from tests.base import keep_revision, make_chief_editor, make_superuser, sign_in
from tests.pages.test_pages import page_form_data


def form(**changes) -> dict:
    return page_form_data(
        **{"title": "À propos", "slug": "a-propos", "body": "<p>Old.</p>", **changes}
    )


class PageConflictTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.chief = make_chief_editor()
        cls.admin = make_superuser()
        cls.page = Page.objects.create(title="À propos", slug="a-propos", body="<p>Old.</p>")
        keep_revision(cls.page, cls.admin)

    def setUp(self):
        self.first, self.second = Client(), Client()
        sign_in(self.first, self.admin)
        sign_in(self.second, self.chief)
        self.url = f"/admin/pages/page/{self.page.pk}/change/"

    def test_the_second_of_two_racing_saves_of_a_page_is_refused(self):
        opened = [
            client.get(self.url).context["edited_from"] for client in (self.first, self.second)
        ]
        saved = self.first.post(self.url, form(_edited_from=opened[0], title="About"))
        self.assertEqual(saved.status_code, 302)
        refused = self.second.post(self.url, form(_edited_from=opened[1], body="<p>Mine.</p>"))
        self.assertContains(refused, "Mine.", status_code=409)
        self.page.refresh_from_db()
        self.assertEqual((self.page.title, self.page.body), ("About", "<p>Old.</p>"))
        takes = {field.name: field.take for field in refused.context["fields"]}
        self.assertEqual(takes["title"], "theirs")
        self.assertEqual(takes["body"], "mine")

    def test_a_page_deleted_meanwhile_is_offered_as_a_new_unpublished_page(self):
        opened = self.second.get(self.url).context["edited_from"]
        self.page.delete()
        gone = self.second.post(self.url, form(_edited_from=opened, body="<p>Mine.</p>"))
        self.assertContains(gone, "Mine.", status_code=409)
        new = self.second.post(
            "/admin/pages/page/add/", {**dict(gone.context["kept"]), "_conflict": "new_draft"}
        )
        new_form = new.context["adminform"].form
        self.assertEqual(new_form["body"].value(), "<p>Mine.</p>")
        self.assertFalse(new_form["published"].value())
