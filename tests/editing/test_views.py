import datetime
import json
from unittest import mock

from django.contrib.admin.models import ADDITION, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.utils import timezone

from blog.models import Article
from editing.models import AUTOSAVE_KEPT_FOR, Autosave, Image, form_address
from sitewide import embeds
from tests.base import (
    TemporaryMediaMixin,
    jpeg,
    make_article,
    make_contributor,
    make_editor,
    make_image,
    make_moderator,
)
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


UPLOAD = "/admin/editing/image/upload/"


def upload_data(name: str = "alpes.jpg", content: bytes | None = None, **fields) -> dict:
    return {
        "file": SimpleUploadedFile(name, jpeg(900, 600) if content is None else content),
        "alt": "Des sommets enneigés",
        "caption": "",
        "credit": "",
        **fields,
    }


class UploadFromTheEditorTests(TemporaryMediaMixin, TestCase):
    """The library dialog adds images through the add form's own path, in JSON."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()

    def setUp(self):
        self.client.force_login(self.editor)

    def test_an_image_is_added_with_its_description_and_answered_as_the_editor_inserts_it(self):
        response = self.client.post(
            UPLOAD, upload_data(caption="Le Mont-Blanc", credit="AFP"), headers={"accept": "*/*"}
        )
        self.assertEqual(response.status_code, 201)
        image = Image.objects.get()
        self.assertEqual(response.json()["image"], image.as_editor_json())
        self.assertEqual(
            (image.alt, image.caption, image.credit, image.uploaded_by),
            ("Des sommets enneigés", "Le Mont-Blanc", "AFP", self.editor),
        )
        # Its smaller copies are made at once, as on the add page.
        self.assertEqual(image.renditions, [480, 800])
        self.assertIn("480w", response.json()["image"]["srcset"])
        # And it is in the admin's history like any addition.
        entry = LogEntry.objects.get()
        self.assertEqual((entry.action_flag, entry.object_id), (ADDITION, str(image.pk)))

    def test_an_image_without_alt_text_is_refused_with_the_reason(self):
        response = self.client.post(UPLOAD, upload_data(alt="  "))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(list(response.json()["errors"]), ["alt"])
        self.assertFalse(Image.objects.exists())

    def test_a_file_that_is_no_image_is_refused_with_the_reason(self):
        response = self.client.post(UPLOAD, upload_data(name="notes.jpg", content=b"not an image"))
        self.assertEqual(response.status_code, 400)
        self.assertIn("file", response.json()["errors"])
        self.assertTrue(response.json()["errors"]["file"][0])
        self.assertFalse(Image.objects.exists())

    def test_only_a_post_from_someone_who_may_add_images_adds_one(self):
        self.assertEqual(self.client.get(UPLOAD).status_code, 405)
        self.client.force_login(make_moderator())
        response = self.client.post(UPLOAD, upload_data())
        self.assertEqual(response.status_code, 403)
        self.assertTrue(response.json()["error"])
        self.client.logout()
        response = self.client.post(UPLOAD, upload_data())
        self.assertEqual(response.status_code, 302)  # to the admin's sign-in
        self.assertFalse(Image.objects.exists())

    def test_a_contributor_may_add_images_from_the_editor(self):
        self.client.force_login(make_contributor())
        self.assertEqual(self.client.post(UPLOAD, upload_data()).status_code, 201)

    def test_the_csrf_token_is_required(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.editor)
        self.assertEqual(client.post(UPLOAD, upload_data()).status_code, 403)
        self.assertFalse(Image.objects.exists())


class TagChoicesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()
        make_article(tags=["Montagne", "Neige"])
        make_article(tags=["Montagne", "Ski de montagne"])
        make_article(tags=["Montagne", "Ski de montagne", "Mont-Blanc"])

    def choices(self, query: str) -> list[str]:
        response = self.client.get("/admin/editing/tags.json", {"q": query})
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-cache", response["Cache-Control"])
        return response.json()["tags"]

    def test_tags_starting_with_the_words_come_first_then_the_most_used(self):
        self.client.force_login(self.editor)
        self.assertEqual(self.choices("mont"), ["Montagne", "Mont-Blanc", "Ski de montagne"])
        self.assertEqual(self.choices("NEI"), ["Neige"])
        self.assertEqual(self.choices("xyz"), [])
        self.assertEqual(self.choices("  "), [])

    def test_a_contributor_gets_them_and_a_moderator_or_a_reader_does_not(self):
        self.client.force_login(make_contributor())
        self.assertEqual(self.choices("nei"), ["Neige"])
        self.client.force_login(make_moderator())
        self.assertEqual(self.client.get("/admin/editing/tags.json?q=n").status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get("/admin/editing/tags.json?q=n").status_code, 403)


class EmbedLookupTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()

    def test_a_video_address_is_answered_as_the_editor_embeds_it(self):
        self.client.force_login(self.editor)
        response = self.client.get(
            "/admin/editing/embed.json", {"url": "https://youtu.be/dQw4w9WgXcQ"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-cache", response["Cache-Control"])
        self.assertEqual(
            response.json(),
            {
                "provider": "youtube",
                "providerName": "YouTube",
                "kind": "video",
                "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                "title": "",
                "author": "",
                "text": "",
            },
        )

    def test_the_providers_title_is_given_when_it_answers(self):
        self.client.force_login(self.editor)
        with (
            self.settings(EMBED_LOOKUPS=True),
            mock.patch.object(embeds, "fetch_json", return_value={"title": "Le clip"}),
        ):
            response = self.client.get("/admin/editing/embed.json", {"url": "https://vimeo.com/1"})
        self.assertEqual(response.json()["title"], "Le clip")

    def test_any_other_address_is_refused_with_the_reason(self):
        self.client.force_login(self.editor)
        for url in ["https://evil.example/v/1", "javascript:alert(1)", ""]:
            with self.subTest(url):
                response = self.client.get("/admin/editing/embed.json", {"url": url})
                self.assertEqual(response.status_code, 400)
                self.assertIn("error", response.json())

    def test_only_staff_may_ask(self):
        response = self.client.get("/admin/editing/embed.json", {"url": "https://vimeo.com/1"})
        self.assertEqual(response.status_code, 403)


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


class AutosaveOfNewFormsTests(TestCase):
    """One draft per new form: a new article is never offered another story's text."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_editor()

    def setUp(self):
        self.client.force_login(self.editor)

    def keep(self, key: str, path: str = ADD_FORM, **data):
        address = f"{path}?draft={key}"
        response = self.client.post(AUTOSAVE, {"path": address, "data": json.dumps(data)})
        self.assertEqual(response.status_code, 200)

    def offered(self, key: str, path: str = ADD_FORM) -> dict:
        return self.client.get(AUTOSAVE, {"path": f"{path}?draft={key}"}).json()

    def test_a_new_form_is_offered_its_own_draft_and_lists_the_others(self):
        self.keep("first", title="The first story", _labels={"cover": {"7": "A ridge"}})
        self.keep("second", title="")
        self.keep("page", "/admin/pages/page/add/", title="A page")
        fresh = self.offered("fresh")
        self.assertNotIn("data", fresh)
        self.assertEqual(
            sorted((other["title"], other["url"]) for other in fresh["others"]),
            [
                ("Sans titre", f"{ADD_FORM}?draft=second"),
                ("The first story", f"{ADD_FORM}?draft=first"),
            ],
        )
        first = self.offered("first")
        self.assertEqual(first["data"]["title"], "The first story")
        self.assertEqual(first["data"]["_labels"], {"cover": {"7": "A ridge"}})
        self.assertEqual([other["url"] for other in first["others"]], [f"{ADD_FORM}?draft=second"])

    def test_an_articles_form_lists_no_new_drafts(self):
        self.keep("first", title="The first story")
        answer = self.client.get(AUTOSAVE, {"path": "/admin/blog/article/1/change/"}).json()
        self.assertEqual(answer, {})

    def test_saving_a_new_form_forgets_its_draft_only(self):
        self.keep("first", title="The first story")
        self.keep("second", title="The second story")
        response = self.client.post(f"{ADD_FORM}?draft=first", article_form_data())
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            list(Autosave.objects.values_list("path", flat=True)), [f"{ADD_FORM}?draft=second"]
        )

    def test_a_key_is_letters_digits_and_dashes_only(self):
        self.assertEqual(form_address(ADD_FORM, "a1-b2"), f"{ADD_FORM}?draft=a1-b2")
        for bad in ["", "../x", "a&b=c", "x" * 65]:
            with self.subTest(bad=bad):
                self.assertEqual(form_address(ADD_FORM, bad), ADD_FORM)
