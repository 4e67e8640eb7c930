"""Roles hold on every path: the bulk delete, the image library, the translation field and
its label, view-on-site, revisions and tags say no where the change form says no."""

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from taggit.models import Tag

from blog.models import Article
from editing.models import Image
from sitewide.models import SiteSettings
from tests.base import (
    TemporaryMediaMixin,
    jpeg,
    keep_revision,
    make_article,
    make_chief_editor,
    make_contributor,
    make_draft,
    make_editor,
    make_image,
    make_moderator,
    make_scheduled,
    sign_in,
)
from tests.blog.test_admin import article_form_data

Status = Article.Status


def bulk_delete(client, *articles):
    return client.post(
        "/admin/blog/article/",
        {
            "action": "delete_selected",
            "_selected_action": [article.pk for article in articles],
            "post": "yes",
        },
        follow=True,
    )


class BulkDeleteTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.contributor = make_contributor()
        cls.published = make_article(author=cls.contributor, title="Published by an editor")
        cls.in_review = make_draft(author=cls.contributor, status=Status.IN_REVIEW)
        cls.draft = make_draft(author=cls.contributor, title="A draft of theirs")

    def setUp(self):
        sign_in(self.client, self.contributor)

    def test_a_contributor_cannot_bulk_delete_their_published_article(self):
        response = bulk_delete(self.client, self.published)
        self.assertContains(response, "Rien n’a été supprimé")
        self.assertContains(response, "“Published by an editor”")
        self.assertTrue(Article.objects.filter(pk=self.published.pk).exists())

    def test_nor_their_article_in_review_even_among_drafts(self):
        bulk_delete(self.client, self.draft, self.in_review)
        self.assertEqual(
            set(Article.objects.values_list("pk", flat=True)),
            {self.published.pk, self.in_review.pk, self.draft.pk},
        )

    def test_a_contributor_bulk_deletes_their_drafts(self):
        response = bulk_delete(self.client, self.draft)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Article.objects.filter(pk=self.draft.pk).exists())

    def test_the_published_articles_change_page_has_no_delete_link(self):
        response = self.client.get(f"/admin/blog/article/{self.published.pk}/change/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, f"/admin/blog/article/{self.published.pk}/delete/")

    def test_the_rule_is_the_queryset_one(self):
        from blog import workflow

        self.assertQuerySetEqual(
            workflow.changeable(self.contributor, Article.objects.all()), [self.draft]
        )
        chief = make_chief_editor()
        self.assertEqual(workflow.changeable(chief, Article.objects.all()).count(), 3)
        self.assertFalse(workflow.changeable(make_moderator(), Article.objects.all()).exists())


class LibraryImageTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.contributor = make_contributor()
        cls.cover = make_image(alt="The minister at the border", caption="Original caption")
        make_article(title="Someone else's story", cover=cls.cover)
        cls.own_cover = make_image(alt="My own cover")
        make_draft(author=cls.contributor, cover=cls.own_cover)
        cls.unused = make_image(alt="Nobody uses me")

    def setUp(self):
        sign_in(self.client, self.contributor)

    def change(self, image, **data):
        return self.client.post(
            f"/admin/editing/image/{image.pk}/change/",
            {"alt": "Changed", "caption": "Changed", "credit": "", **data},
        )

    def test_a_contributor_cannot_change_the_cover_of_anothers_published_article(self):
        page = self.client.get(f"/admin/editing/image/{self.cover.pk}/change/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="alt"')  # read only
        upload = SimpleUploadedFile("other.jpg", jpeg(50, 50), content_type="image/jpeg")
        response = self.change(self.cover, file=upload)
        # A page of the admin, in the staff member's language, with the admin around it.
        self.assertContains(response, "Votre rôle ne le permet pas", status_code=403)
        self.assertContains(response, 'id="site-name"', status_code=403)
        self.cover.refresh_from_db()
        self.assertEqual(
            (self.cover.alt, self.cover.caption),
            ("The minister at the border", "Original caption"),
        )
        self.assertNotIn("other", self.cover.file.name)

    def test_a_contributor_changes_an_unused_image_and_their_drafts_cover(self):
        for image in (self.unused, self.own_cover):
            with self.subTest(image=image.alt):
                self.assertEqual(self.change(image).status_code, 302)
                image.refresh_from_db()
                self.assertEqual(image.alt, "Changed")

    def test_the_editor_in_chief_changes_any_cover(self):
        sign_in(self.client, make_chief_editor())
        self.assertEqual(self.change(self.cover).status_code, 302)
        self.assertEqual(Image.objects.get(pk=self.cover.pk).alt, "Changed")


class TranslationFieldTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.contributor = make_contributor()
        cls.own = make_draft(author=cls.contributor, language="fr", slug="mon-brouillon")
        cls.own_english = make_draft(author=cls.contributor, language="en", slug="my-draft")
        cls.others = make_article(language="en", title="Somebody else's story")
        cls.embargoed = make_draft(language="en", title="Minister to resign on Friday")
        cls.scheduled = make_scheduled(language="en", title="Merger announced at noon")

    def setUp(self):
        sign_in(self.client, self.contributor)

    def save_own(self, translation):
        return self.client.post(
            f"/admin/blog/article/{self.own.pk}/change/",
            article_form_data(slug=self.own.slug, translation=translation),
        )

    def test_a_contributor_cannot_pair_their_draft_with_anothers_article(self):
        response = self.save_own(self.others.pk)
        self.assertEqual(response.status_code, 200)
        self.assertIn("translation", response.context["adminform"].form.errors)
        self.others.refresh_from_db()
        self.assertIsNone(self.others.translation)
        self.own.refresh_from_db()
        self.assertIsNone(self.own.translation)

    def test_the_refused_form_does_not_name_others_drafts_or_scheduled_articles(self):
        for other in (self.embargoed, self.scheduled):
            with self.subTest(other=other.title):
                response = self.save_own(other.pk)
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, other.title)
                self.assertNotContains(response, other.slug)

    def test_a_contributor_pairs_two_drafts_of_theirs(self):
        response = self.save_own(self.own_english.pk)
        self.assertEqual(response.status_code, 302)
        self.own_english.refresh_from_db()
        self.assertEqual(self.own_english.translation, self.own)

    def test_a_pairing_made_by_the_editor_in_chief_is_kept_and_named(self):
        self.own.translation = self.others
        self.own.save()
        page = self.client.get(f"/admin/blog/article/{self.own.pk}/change/")
        self.assertContains(page, "Somebody else")
        self.assertEqual(self.save_own(self.others.pk).status_code, 302)
        self.others.refresh_from_db()
        self.assertEqual(self.others.translation, self.own)

    def test_the_lookup_popup_lists_only_the_contributors_articles(self):
        response = self.client.get("/admin/blog/article/?_to_field=id&_popup=1")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, self.embargoed.title)
        self.assertNotContains(response, self.scheduled.title)


class ViewOnSiteTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.contributor = make_contributor()
        cls.draft = make_draft(slug="minister-resigns-on-friday")
        cls.own_draft = make_draft(author=cls.contributor, slug="my-own-draft")
        cls.article_type = ContentType.objects.get_for_model(Article).pk

    def view_on_site(self, article):
        return self.client.get(f"/admin/r/{self.article_type}/{article.pk}/")

    def test_a_contributor_cannot_resolve_anothers_draft(self):
        sign_in(self.client, self.contributor)
        response = self.view_on_site(self.draft)
        self.assertRedirects(response, "/admin/")
        self.assertNotIn(self.draft.slug, response.headers["Location"])

    def test_nor_can_a_moderator(self):
        sign_in(self.client, make_moderator())
        response = self.view_on_site(self.draft)
        self.assertRedirects(response, "/admin/")

    def test_nor_through_a_made_up_type_or_id(self):
        sign_in(self.client, self.contributor)
        for url in [f"/admin/r/{self.article_type}/abc/", "/admin/r/999999/1/", "/admin/r/x/1/"]:
            with self.subTest(url=url):
                self.assertIn(self.client.get(url).status_code, {302, 404})

    def test_those_who_may_see_the_article_are_led_to_it(self):
        sign_in(self.client, self.contributor)
        response = self.view_on_site(self.own_draft)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response.headers["Location"].endswith("/articles/my-own-draft/"))
        sign_in(self.client, make_chief_editor())
        response = self.view_on_site(self.draft)
        self.assertTrue(
            response.headers["Location"].endswith("/articles/minister-resigns-on-friday/")
        )


class RevisionRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.contributor = make_contributor()
        cls.chief = make_chief_editor()
        cls.others = make_draft(title="Minister to resign on Friday")
        keep_revision(cls.others, cls.chief)
        cls.own_published = make_article(author=cls.contributor)
        keep_revision(cls.own_published, cls.chief)
        cls.own_published.title = "Changed by the editor"
        keep_revision(cls.own_published, cls.chief)

    def setUp(self):
        sign_in(self.client, self.contributor)

    def test_a_contributor_reads_no_revision_of_anothers_draft(self):
        from reversion.models import Version

        version = Version.objects.get_for_object(self.others).first()
        base = f"/admin/blog/article/{self.others.pk}/history/"
        for url in [
            base,
            f"{base}compare/?from={version.pk}&to={version.pk}",
            f"{base}{version.pk}/restore/",
        ]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertIn(response.status_code, {302, 404})
                self.assertNotIn(b"Minister", response.content)

    def test_a_contributor_cannot_restore_a_revision_of_their_published_article(self):
        from reversion.models import Version

        oldest = Version.objects.get_for_object(self.own_published).last()
        url = f"/admin/blog/article/{self.own_published.pk}/history/{oldest.pk}/restore/"
        self.assertEqual(self.client.post(url).status_code, 403)
        self.own_published.refresh_from_db()
        self.assertEqual(self.own_published.title, "Changed by the editor")


class EmbargoedTagTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        make_draft(tags=["Minister resigns"])
        make_scheduled(tags=["Merger"])
        make_article(tags=["Climate"])

    def test_a_tag_of_unpublished_articles_only_has_no_page_nor_feed(self):
        for url in [
            "/tag/minister-resigns/",
            "/tag/minister-resigns/feed/",
            "/en/tag/minister-resigns/",
            "/tag/merger/",
            "/tag/merger/feed/",
        ]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_tag_of_a_published_article_has_both(self):
        self.assertEqual(self.client.get("/tag/climate/").status_code, 200)
        self.assertEqual(self.client.get("/tag/climate/feed/").status_code, 200)

    def test_it_is_listed_nowhere_public(self):
        for url in ["/", "/sitemap-tags.xml", "/feed/", "/search/?q=resigns"]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                for words in [b"Minister resigns", b"minister-resigns", b"Merger", b"merger"]:
                    self.assertNotIn(words, response.content)


class EmbargoedTagInTheAdminTests(TestCase):
    """An embargoed story's tag is not read by staff who may not see the story either."""

    @classmethod
    def setUpTestData(cls):
        cls.contributor = make_contributor()
        cls.editor = make_editor()
        make_draft(title="Minister to resign on Friday", tags=["Minister resigns"])
        make_scheduled(tags=["Merger"])
        make_article(tags=["Climate"])
        make_draft(author=cls.contributor, tags=["My own idea"])

    def names(self, response) -> list[str]:
        return sorted(tag.name for tag in response.context["cl"].result_list)

    def test_the_tag_list_shows_what_the_contributor_may_see(self):
        sign_in(self.client, self.contributor)
        response = self.client.get("/admin/taggit/tag/")
        self.assertEqual(self.names(response), ["Climate", "My own idea"])
        embargoed = Tag.objects.get(name="Minister resigns")
        response = self.client.get(f"/admin/taggit/tag/{embargoed.pk}/change/")
        self.assertRedirects(response, "/admin/")

    def test_nor_does_a_tag_page_name_the_articles_using_it(self):
        sign_in(self.client, make_chief_editor())
        climate = Tag.objects.get(name="Climate")
        response = self.client.get(f"/admin/taggit/tag/{climate.pk}/change/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "tagged with")
        self.assertEqual(len(self.names(self.client.get("/admin/taggit/tag/"))), 4)

    def test_the_tags_field_suggests_no_embargoed_tag(self):
        for user, expected in [
            (self.contributor, ["My own idea"]),
            (make_chief_editor(), ["Merger", "Minister resigns", "My own idea"]),
        ]:
            with self.subTest(user=user.username):
                sign_in(self.client, user)
                found = []
                for query in ["m", "e"]:
                    found += self.client.get("/admin/editing/tags.json", {"q": query}).json()[
                        "tags"
                    ]
                self.assertEqual(sorted(set(found) - {"Climate"}), expected)

    def test_merging_needs_the_right_to_change_tags_and_stays_within_what_one_sees(self):
        embargoed = Tag.objects.get(name="Minister resigns")
        climate = Tag.objects.get(name="Climate")
        sign_in(self.client, self.contributor)
        self.client.post(
            "/admin/taggit/tag/",
            {"action": "render_tag_form", "_selected_action": [climate.pk]},
        )
        self.assertEqual(self.client.get("/admin/taggit/tag/merge-tags/").status_code, 403)
        # An editor may merge tags, but not one they cannot see, whatever the session says.
        sign_in(self.client, self.editor)
        session = self.client.session
        session["selected_tag_ids"] = f"{climate.pk},{embargoed.pk}"
        session.save()
        response = self.client.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "Leak"})
        self.assertEqual(response.status_code, 403)
        self.assertTrue(Tag.objects.filter(name="Minister resigns").exists())
        self.assertFalse(Tag.objects.filter(name="Leak").exists())

    def test_an_editor_merges_tags_they_see(self):
        climate = Tag.objects.get(name="Climate")
        sign_in(self.client, self.editor)
        response = self.client.post(
            "/admin/taggit/tag/",
            {"action": "render_tag_form", "_selected_action": [climate.pk]},
        )
        self.assertRedirects(
            response, "/admin/taggit/tag/merge-tags/", fetch_redirect_response=False
        )
        self.client.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "Climat"})
        self.assertEqual(
            list(Article.objects.published().tags().values_list("name", flat=True)), ["Climat"]
        )
