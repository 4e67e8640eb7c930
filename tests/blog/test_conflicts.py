"""No silent overwrite: a save from a form opened before someone else's save is refused
with a conflict page that keeps the refused text (sitewide/revisions.py)."""

from django.contrib.admin.models import LogEntry
from django.test import Client, TestCase
from django.utils import timezone
from reversion.models import Version

from blog.models import Article
from sitewide.models import SiteSettings
from tests.base import keep_revision, make_article, make_chief_editor, make_superuser, sign_in
from tests.blog.test_admin import article_form_data

Status = Article.Status


class ConflictTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.chief = make_chief_editor(display_name="Houssen Moshinaly")
        cls.admin = make_superuser(username="boss", display_name="The Admin")
        cls.article = make_article(
            author=cls.chief,
            title="Moscou travaille avec les Talibans",
            slug="moscou",
            standfirst="The old standfirst.",
            seo_description="The old description.",
        )
        keep_revision(cls.article, cls.chief)

    def setUp(self):
        self.first, self.second = Client(), Client()
        sign_in(self.first, self.admin)
        sign_in(self.second, self.chief)
        self.url = f"/admin/blog/article/{self.article.pk}/change/"

    def open_form(self, client) -> str:
        """The change form as it opens: the revision it carries."""
        response = client.get(self.url)
        self.assertEqual(response.status_code, 200)
        return str(response.context["edited_from"])

    def form(self, edited_from, **changes) -> dict:
        published = timezone.localtime(self.article.published_at)
        return article_form_data(
            **{
                "published_at_0": published.strftime("%Y-%m-%d"),
                "published_at_1": published.strftime("%H:%M:%S"),
                "title": self.article.title,
                "slug": self.article.slug,
                "standfirst": "The old standfirst.",
                "seo_description": "The old description.",
                "body": self.article.body,
                "author": self.chief.pk,
                "tags": "",
                "_edited_from": edited_from,
                **changes,
            }
        )

    def race(self):
        """admin and the editor open the form; admin saves a new description first, then
        the editor saves a new standfirst: the editor's save is the stale one."""
        opened_first, opened_second = self.open_form(self.first), self.open_form(self.second)
        saved = self.first.post(
            self.url, self.form(opened_first, seo_description="The admin's description.")
        )
        self.assertEqual(saved.status_code, 302)
        return self.second.post(
            self.url, self.form(opened_second, standfirst="The editor's standfirst.")
        )

    def test_the_second_of_two_racing_saves_is_refused_and_nothing_is_lost(self):
        refused = self.race()
        self.assertEqual(refused.status_code, 409)
        self.article.refresh_from_db()
        self.assertEqual(self.article.seo_description, "The admin's description.")
        self.assertEqual(self.article.standfirst, "The old standfirst.")
        # The refused text rides along in the page, and who saved in between is named.
        self.assertContains(
            refused,
            '<input type="hidden" name="standfirst" value="The editor&#x27;s standfirst.">',
            html=True,
            status_code=409,
        )
        self.assertContains(refused, "The Admin", status_code=409)
        self.assertContains(refused, "<ins>admin&#x27;s</ins>", status_code=409)

    def test_the_conflict_page_takes_mine_where_i_changed_and_theirs_where_they_did(self):
        refused = self.race()
        takes = {field.name: field.take for field in refused.context["fields"]}
        self.assertEqual(takes, {"standfirst": "mine", "seo_description": "theirs"})
        both = {
            field.name: (field.i_changed, field.they_changed)
            for field in refused.context["fields"]
        }
        self.assertEqual(both, {"standfirst": (True, False), "seo_description": (False, True)})

    def test_merging_brings_both_changes_into_the_form_then_saves_them(self):
        refused = self.race()
        current = refused.context["edited_from"]
        merged = self.second.post(
            self.url,
            {
                **dict(refused.context["kept"]),
                "_edited_from": current,
                "_conflict": "merge",
                "_take_standfirst": "mine",
                "_take_seo_description": "theirs",
            },
        )
        self.assertEqual(merged.status_code, 200)
        form = merged.context["adminform"].form
        self.assertFalse(form.is_bound)
        self.assertEqual(form["standfirst"].value(), "The editor's standfirst.")
        self.assertEqual(form["seo_description"].value(), "The admin's description.")
        self.assertEqual(merged.context["edited_from"], current)
        self.article.refresh_from_db()
        self.assertEqual(self.article.standfirst, "The old standfirst.")  # not saved yet
        saved = self.second.post(
            self.url,
            self.form(
                current,
                standfirst="The editor's standfirst.",
                seo_description="The admin's description.",
            ),
        )
        self.assertEqual(saved.status_code, 302)
        self.article.refresh_from_db()
        self.assertEqual(self.article.standfirst, "The editor's standfirst.")
        self.assertEqual(self.article.seo_description, "The admin's description.")

    def test_keeping_mine_saves_my_version_over_the_other(self):
        refused = self.race()
        saved = self.second.post(
            self.url,
            {
                **dict(refused.context["kept"]),
                "_edited_from": refused.context["edited_from"],
                "_conflict": "mine",
            },
        )
        self.assertEqual(saved.status_code, 302)
        self.article.refresh_from_db()
        self.assertEqual(self.article.standfirst, "The editor's standfirst.")
        self.assertEqual(self.article.seo_description, "The old description.")

    def test_a_save_in_between_the_conflict_page_and_the_choice_is_refused_again(self):
        refused = self.race()
        keep_revision(self.article, self.admin)
        again = self.second.post(
            self.url,
            {
                **dict(refused.context["kept"]),
                "_edited_from": refused.context["edited_from"],
                "_conflict": "mine",
            },
        )
        self.assertEqual(again.status_code, 409)

    def test_a_form_opened_after_the_last_save_saves(self):
        saved = self.first.post(
            self.url, self.form(self.open_form(self.first), standfirst="Fresh.")
        )
        self.assertEqual(saved.status_code, 302)
        saved = self.first.post(
            self.url, self.form(self.open_form(self.first), standfirst="Fresher.")
        )
        self.assertEqual(saved.status_code, 302)

    def test_a_form_sent_back_with_errors_keeps_the_revision_it_was_opened_on(self):
        opened = self.open_form(self.second)
        keep_revision(self.article, self.admin)
        # A save whose revision is current but whose title is missing: the form comes
        # back with errors, carrying the revision it came with.
        invalid = self.first.post(self.url, self.form(self.open_form(self.first), title=""))
        self.assertEqual(invalid.status_code, 200)
        stale = self.second.post(self.url, self.form(opened, title=""))
        self.assertEqual(stale.status_code, 409)

    def test_a_form_without_the_revision_it_was_opened_on_saves_as_before(self):
        data = self.form("", standfirst="From a script.")
        del data["_edited_from"]
        self.assertEqual(self.second.post(self.url, data).status_code, 302)

    def test_an_article_with_no_revision_yet_conflicts_once_someone_saves_it(self):
        bare = make_article(author=self.chief, slug="bare")
        url = f"/admin/blog/article/{bare.pk}/change/"
        opened = self.second.get(url).context["edited_from"]
        self.assertEqual(opened, 0)
        keep_revision(bare, self.admin)
        data = article_form_data(
            title=bare.title, slug="bare", author=self.chief.pk, _edited_from=opened
        )
        self.assertEqual(self.second.post(url, data).status_code, 409)

    def test_a_first_save_keeps_what_was_there_so_a_later_conflict_knows_who_changed_what(self):
        bare = make_article(author=self.chief, slug="bare", seo_description="Old.")
        self.article = bare
        self.url = f"/admin/blog/article/{bare.pk}/change/"
        opened_first, opened_second = self.open_form(self.first), self.open_form(self.second)
        self.assertEqual((opened_first, opened_second), ("0", "0"))
        self.first.post(self.url, self.form(opened_first, seo_description="New."))
        versions = Version.objects.get_for_object(bare).order_by("pk")
        self.assertEqual([v.field_dict["seo_description"] for v in versions], ["Old.", "New."])
        self.assertContains(self.first.get(f"{self.url[:-7]}history/"), "Tel qu’il était")
        refused = self.second.post(
            self.url, self.form(opened_second, seo_description="Old.", standfirst="Mine.")
        )
        takes = {field.name: field.take for field in refused.context["fields"]}
        self.assertEqual(takes, {"standfirst": "mine", "seo_description": "theirs"})

    def test_the_conflict_page_is_in_the_admins_language(self):
        refused = self.race()
        self.assertContains(refused, "Conflit", status_code=409)
        self.assertContains(refused, "Garder le mien", status_code=409)
        self.assertContains(refused, 'id="user-tools"', status_code=409)  # the admin around it

    def test_an_article_deleted_meanwhile_keeps_the_text_and_offers_a_new_draft(self):
        opened = self.open_form(self.second)
        deleted = self.first.post(
            f"/admin/blog/article/{self.article.pk}/delete/", {"post": "yes"}
        )
        self.assertEqual(deleted.status_code, 302)
        self.assertFalse(Article.objects.filter(pk=self.article.pk).exists())
        gone = self.second.post(self.url, self.form(opened, standfirst="The editor's standfirst."))
        self.assertEqual(gone.status_code, 409)
        self.assertContains(gone, "The editor&#x27;s standfirst.", status_code=409)
        self.assertContains(gone, "The Admin", status_code=409)
        self.assertTrue(LogEntry.objects.filter(object_id=str(self.article.pk)).exists())
        draft = self.second.post(
            "/admin/blog/article/add/", {**dict(gone.context["kept"]), "_conflict": "new_draft"}
        )
        self.assertEqual(draft.status_code, 200)
        form = draft.context["adminform"].form
        self.assertEqual(form["standfirst"].value(), "The editor's standfirst.")
        self.assertEqual(form["status"].value(), Status.DRAFT)
        self.assertFalse(Article.objects.exists())

    def test_merging_into_an_article_deleted_meanwhile_keeps_the_text(self):
        refused = self.race()
        self.article.delete()
        gone = self.second.post(self.url, {**dict(refused.context["kept"]), "_conflict": "merge"})
        self.assertEqual(gone.status_code, 409)
        self.assertContains(gone, "The editor&#x27;s standfirst.", status_code=409)

    def test_a_conflict_for_an_article_one_may_not_see_is_the_admins_usual_answer(self):
        other = make_article(slug="elsewhere")
        keep_revision(other, self.admin)
        contributor = Client()
        from tests.base import make_contributor

        sign_in(contributor, make_contributor())
        response = contributor.post(
            f"/admin/blog/article/{other.pk}/change/",
            article_form_data(slug="elsewhere", _edited_from="0"),
        )
        self.assertEqual(response.status_code, 302)  # "perhaps it was deleted?"
        other.refresh_from_db()
        self.assertEqual(Version.objects.get_for_object(other).count(), 1)
