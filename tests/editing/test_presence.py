"""Who else has a change form open: the heartbeat (editing.views.presence)."""

import datetime

from django.test import Client, TestCase
from django.utils import timezone

from editing.models import EditingSession, presence_timeout
from pages.models import Page
from tests.base import (
    keep_revision,
    make_article,
    make_chief_editor,
    make_contributor,
    make_editor,
    make_moderator,
    sign_in,
)

PRESENCE = "/admin/editing/presence/"


class PresenceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor(display_name="Houssen Moshinaly")
        cls.chief = make_chief_editor(display_name="Léa Rédactrice")
        cls.article = make_article(author=cls.editor)
        cls.path = f"/admin/blog/article/{cls.article.pk}/change/"

    def beat(self, user, path=None, **extra):
        client = Client()
        sign_in(client, user)
        return client.post(PRESENCE, {"path": path or self.path, **extra})

    def test_an_editor_is_told_who_else_has_the_form_open(self):
        self.assertEqual(self.beat(self.chief).json()["others"], [])
        answer = self.beat(self.editor).json()
        self.assertEqual([other["name"] for other in answer["others"]], ["Léa Rédactrice"])
        self.assertEqual(answer["every"], 15)
        # Each is told about the other, never about themselves.
        self.assertEqual(
            [other["name"] for other in self.beat(self.chief).json()["others"]],
            ["Houssen Moshinaly"],
        )

    def test_a_tab_gone_quiet_or_closed_no_longer_counts(self):
        self.beat(self.chief)
        EditingSession.objects.update(last_seen=timezone.now() - presence_timeout())
        self.assertEqual(self.beat(self.editor).json()["others"], [])
        self.beat(self.chief)
        self.beat(self.chief, leave="1")
        self.assertEqual(self.beat(self.editor).json()["others"], [])
        self.assertFalse(EditingSession.objects.filter(user=self.chief).exists())

    def test_sessions_abandoned_for_a_day_are_cleared(self):
        self.beat(self.chief)
        EditingSession.objects.update(last_seen=timezone.now() - datetime.timedelta(days=2))
        other = make_article(author=self.editor)
        self.beat(self.editor, f"/admin/blog/article/{other.pk}/change/")
        self.assertFalse(EditingSession.objects.filter(user=self.chief).exists())

    def test_a_save_since_the_form_was_opened_is_named(self):
        self.assertNotIn("saved", self.beat(self.editor, edited_from="0").json())
        keep_revision(self.article, self.chief)
        saved = self.beat(self.editor, edited_from="0").json()["saved"]
        self.assertEqual(saved["name"], "Léa Rédactrice")

    def test_only_those_who_may_change_the_object_hear_about_it(self):
        self.beat(self.chief)
        about = Page.objects.create(title="À propos", slug="a-propos", body="<p>Nous.</p>")
        refused = {
            "a contributor, another's article": (make_contributor(), self.path),
            "a moderator": (make_moderator(), self.path),
            "an editor, a page": (self.editor, f"/admin/pages/page/{about.pk}/change/"),
            "an add form": (self.editor, "/admin/blog/article/add/"),
            "a list": (self.editor, "/admin/blog/article/"),
            "no such article": (self.editor, "/admin/blog/article/999999/change/"),
            "not an address": (self.editor, "/admin/blog/article/x/y/z/"),
        }
        for case, (user, path) in refused.items():
            with self.subTest(case):
                self.assertEqual(self.beat(user, path).status_code, 403)
        self.assertEqual(self.beat(self.editor, "/elsewhere/").status_code, 400)
        self.assertEqual(Client().post(PRESENCE, {"path": self.path}).status_code, 403)
        self.assertEqual(Client().get(PRESENCE).status_code, 405)
