import datetime
import json
import tempfile
from io import StringIO

from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from blog.models import Article
from comments.models import Comment
from demo import content as demo
from sitewide.models import PostingLimit
from tests.base import make_comment


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


class CommenterCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.mine = make_comment(
            name="Jeanne",
            email="jeanne@example.org",
            website="https://jeanne.example",
            body="My first words",
            ip_address="198.51.100.4",
            user_agent="Firefox",
        )
        cls.mine_pending = make_comment(
            email="JEANNE@example.org", body="Second", status=Comment.Status.PENDING
        )
        cls.other = make_comment(email="other@example.org", body="Not hers")

    def test_export_prints_everything_stored_about_that_email_as_json(self):
        data = json.loads(run("commenter", "export", "jeanne@example.org"))
        self.assertEqual(data["email"], "jeanne@example.org")
        self.assertEqual(sorted(c["body"] for c in data["comments"]), ["My first words", "Second"])
        first = next(c for c in data["comments"] if c["id"] == self.mine.pk)
        self.assertEqual(first["ip_address"], "198.51.100.4")
        self.assertEqual(first["user_agent"], "Firefox")
        self.assertEqual(first["website"], "https://jeanne.example")
        self.assertEqual(first["article"], self.mine.article.title)

    @override_settings(LANGUAGE_CODE="fr")
    def test_erase_anonymises_and_keeps_the_text(self):
        run("commenter", "erase", "jeanne@example.org")
        self.mine.refresh_from_db()
        self.assertEqual(self.mine.name, "Anonyme")  # in the site's language, French
        self.assertEqual(
            (self.mine.email, self.mine.website, self.mine.ip_address, self.mine.user_agent),
            ("", "", None, ""),
        )
        self.assertEqual(self.mine.body, "My first words")
        self.assertFalse(Comment.objects.from_email("jeanne@example.org").exists())
        self.other.refresh_from_db()
        self.assertEqual(self.other.email, "other@example.org")

    def test_erase_with_delete_removes_the_comments(self):
        run("commenter", "erase", "jeanne@example.org", "--delete")
        self.assertQuerySetEqual(Comment.objects.all(), [self.other])


class PurgeIpsCommandTests(TestCase):
    def test_it_clears_ips_and_user_agents_older_than_the_retention(self):
        old = make_comment(
            ip_address="198.51.100.1",
            user_agent="Old",
            submitted_at=timezone.now() - datetime.timedelta(days=31),
        )
        recent = make_comment(
            ip_address="198.51.100.2",
            user_agent="Recent",
            submitted_at=timezone.now() - datetime.timedelta(days=29),
        )
        PostingLimit.objects.create(
            key="a" * 64,
            scope="contact",
            last_posted_at=timezone.now() - datetime.timedelta(days=2),
        )
        out = run("purge_comment_ips")
        self.assertIn("1 comments", out)
        old.refresh_from_db()
        recent.refresh_from_db()
        self.assertEqual((old.ip_address, old.user_agent), (None, ""))
        self.assertEqual((recent.ip_address, recent.user_agent), ("198.51.100.2", "Recent"))
        self.assertFalse(PostingLimit.objects.exists())


class DemoTests(TestCase):
    def setUp(self):
        # load_demo writes the generated cover: keep it out of the real MEDIA_ROOT.
        media = tempfile.TemporaryDirectory()
        self.addCleanup(media.cleanup)
        self.enterContext(override_settings(MEDIA_ROOT=media.name))

    def test_load_demo_adds_pascals_approved_comment_once(self):
        run("load_demo")
        run("load_demo")
        article = Article.objects.get(slug=demo.SEED_SLUG)
        comment = article.comments.approved().get()
        self.assertEqual(comment.name, "pascal")
        self.assertTrue(comment.body.startswith("N’importe quoi.\nOn n’utilise pas le diable"))
        self.assertEqual(comment.email, "pascal@example.invalid")
        self.assertLessEqual(comment.submitted_at, timezone.now())
        response = self.client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "1 comment")
        self.assertContains(response, "Il faut arrêter de nous prendre pour des idiots.")
        self.assertNotContains(response, "pascal@example.invalid")

    def test_the_demo_moderator_can_moderate(self):
        run("load_demo")
        from accounts.models import User

        moderator = User.objects.get(username="moderator")
        self.assertTrue(moderator.has_perm("comments.change_comment"))
        self.assertTrue(moderator.has_perm("comments.view_comment"))
        self.assertFalse(moderator.has_perm("comments.delete_comment"))
        self.client.force_login(moderator)
        self.assertEqual(self.client.get("/admin/comments/comment/").status_code, 200)
