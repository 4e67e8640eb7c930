import datetime
import json

from django.test import TestCase
from django.utils import timezone

from blog.models import Article
from editing.models import AUTOSAVE_KEPT_FOR, Autosave
from tests.base import TemporaryMediaMixin, make_article, make_editor, make_image, make_moderator
from tests.blog.test_admin import article_form_data

AUTOSAVE = "/admin/editing/autosave/"
ADD_FORM = "/admin/blog/article/add/"


class ImageChoicesTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()
        cls.ridge = make_image(1000, 500, alt="A ridge", caption="The Alps", credit="AFP")
        cls.lake = make_image(300, 200, alt="A lake")

    def test_an_editor_gets_the_images_with_what_a_figure_needs(self):
        self.client.force_login(self.editor)
        response = self.client.get("/admin/editing/images.json")
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-cache", response["Cache-Control"])
        images = response.json()["images"]
        self.assertEqual([image["alt"] for image in images], ["A lake", "A ridge"])
        ridge = images[1]
        self.assertEqual(ridge["src"], self.ridge.url)
        self.assertEqual(ridge["srcset"], self.ridge.srcset)
        self.assertEqual(ridge["caption"], "The Alps — AFP")
        self.assertEqual((ridge["width"], ridge["height"]), (1000, 500))
        self.assertEqual(images[0]["srcset"], "")
        self.assertEqual(images[0]["sizes"], "")

    def test_it_searches_the_alt_text_and_caption(self):
        self.client.force_login(self.editor)
        images = self.client.get("/admin/editing/images.json?q=alps").json()["images"]
        self.assertEqual([image["alt"] for image in images], ["A ridge"])

    def test_it_answers_only_staff_who_may_see_the_library(self):
        self.assertEqual(self.client.get("/admin/editing/images.json").status_code, 403)
        self.client.force_login(make_moderator())
        self.assertEqual(self.client.get("/admin/editing/images.json").status_code, 403)


class AutosaveTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()
        cls.article = make_article(author=cls.editor, title="As published")

    def setUp(self):
        self.client.force_login(self.editor)

    def keep(self, path: str = ADD_FORM, **data):
        return self.client.post(AUTOSAVE, {"path": path, "data": json.dumps(data)})

    def test_it_keeps_the_typed_fields_and_gives_them_back(self):
        self.assertEqual(self.keep(title="Draft", body="<p>One</p>").status_code, 200)
        self.assertEqual(self.keep(title="Draft", body="<p>One two</p>").status_code, 200)
        self.assertEqual(Autosave.objects.count(), 1)
        response = self.client.get(AUTOSAVE, {"path": ADD_FORM})
        self.assertIn("no-cache", response["Cache-Control"])
        self.assertEqual(response.json()["data"], {"title": "Draft", "body": "<p>One two</p>"})
        self.assertTrue(response.json()["saved_at_display"])

    def test_a_form_with_nothing_kept_answers_empty(self):
        self.assertEqual(self.client.get(AUTOSAVE, {"path": ADD_FORM}).json(), {})

    def test_discarding_forgets_the_fields(self):
        self.keep(title="Draft")
        self.client.post(AUTOSAVE, {"path": ADD_FORM, "discard": "1"})
        self.assertFalse(Autosave.objects.exists())

    def test_it_never_changes_the_article(self):
        path = f"/admin/blog/article/{self.article.pk}/change/"
        self.keep(path, title="Typed, not saved", status="published")
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "As published")
        self.assertEqual(self.article.status, Article.Status.PUBLISHED)

    def test_each_editor_sees_only_their_own(self):
        self.keep(title="Mine")
        self.client.force_login(make_editor())
        self.assertEqual(self.client.get(AUTOSAVE, {"path": ADD_FORM}).json(), {})

    def test_an_autosave_kept_for_a_month_is_no_longer_offered_and_then_goes(self):
        self.keep(title="Abandoned")
        self.keep("/admin/pages/page/add/", title="Also abandoned")
        other_editor = make_editor()
        Autosave.objects.create(user=other_editor, path=ADD_FORM, data={"title": "Theirs"})
        long_ago = timezone.now() - AUTOSAVE_KEPT_FOR - datetime.timedelta(minutes=1)
        Autosave.objects.update(saved_at=long_ago)
        self.assertEqual(self.client.get(AUTOSAVE, {"path": ADD_FORM}).json(), {})
        self.assertEqual(Autosave.objects.count(), 3)
        # The editor's next autosave, on any form, clears their stale ones only.
        self.keep("/admin/blog/article/999/change/", title="Today")
        self.assertEqual(
            sorted(Autosave.objects.values_list("user__username", "path")),
            sorted(
                [
                    (self.editor.username, "/admin/blog/article/999/change/"),
                    (other_editor.username, ADD_FORM),
                ]
            ),
        )

    def test_saving_the_form_forgets_its_autosave(self):
        self.keep(title="Draft")
        other = self.client.post(
            AUTOSAVE, {"path": "/admin/blog/article/999/change/", "data": "{}"}
        )
        self.assertEqual(other.status_code, 200)
        response = self.client.post(ADD_FORM, article_form_data())
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            list(Autosave.objects.values_list("path", flat=True)),
            ["/admin/blog/article/999/change/"],
        )

    def test_bad_requests_get_a_400(self):
        self.assertEqual(self.keep(path="/articles/x/").status_code, 400)
        bad_json = self.client.post(AUTOSAVE, {"path": ADD_FORM, "data": "{not json"})
        self.assertEqual(bad_json.status_code, 400)
        not_object = self.client.post(AUTOSAVE, {"path": ADD_FORM, "data": "[1, 2]"})
        self.assertEqual(not_object.status_code, 400)
        too_big = self.client.post(
            AUTOSAVE, {"path": ADD_FORM, "data": json.dumps({"b": "x" * 1_000_001})}
        )
        self.assertEqual(too_big.status_code, 400)
        self.assertFalse(Autosave.objects.exists())

    def test_only_staff_may_autosave(self):
        self.client.logout()
        self.assertEqual(self.keep(title="x").status_code, 403)
        self.assertEqual(self.client.get(AUTOSAVE, {"path": ADD_FORM}).status_code, 403)
