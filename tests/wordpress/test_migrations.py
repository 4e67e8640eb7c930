"""wordpress 0002 files each comment recorded before under its post, so that a later
import knows it."""

from django.db import connection
from django.db.migrations.exceptions import IrreversibleError
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

from comments.models import Comment
from tests.wordpress.helpers import author, comment, export, item, run
from wordpress.models import ImportRecord

BEFORE = [("wordpress", "0001_initial")]
AFTER = [("wordpress", "0002_comments_known_within_their_post")]
SITE = "https://old.example"


class CommentsUnderTheirPostTests(TransactionTestCase):
    def setUp(self):
        self.addCleanup(self.migrate, AFTER)

    def migrate(self, wordpress_at):
        """Every app at its latest migration, wordpress at the one given; their models."""
        executor = MigrationExecutor(connection)
        leaves = executor.loader.graph.leaf_nodes()
        targets = [node for node in leaves if node[0] != "wordpress"] + wordpress_at
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    def make_old_records(self, apps) -> dict[str, int]:
        """An import made before 0002: two posts of one site, one post of another site
        under the same id, their comments, and a comment deleted since."""
        User = apps.get_model("accounts", "User")
        Article = apps.get_model("blog", "Article")
        OldComment = apps.get_model("comments", "Comment")
        Record = apps.get_model("wordpress", "ImportRecord")
        ContentType = apps.get_model("contenttypes", "ContentType")
        article_type = ContentType.objects.get(app_label="blog", model="article")
        comment_type = ContentType.objects.get(app_label="comments", model="comment")
        writer = User.objects.create(username="jdoe")
        user_type = ContentType.objects.get(app_label="accounts", model="user")
        Record.objects.create(
            site=SITE, kind="author", key="jdoe", content_type=user_type, object_id=writer.pk
        )
        comments = {}
        for site, post, slug, ids in [
            (SITE, "10", "ten", ["2", "4"]),
            (SITE, "11", "eleven", ["3", "10:2020-01-02 10:00:00:Reader"]),
            ("https://other.example", "10", "other-ten", ["2"]),
        ]:
            article = Article.objects.create(
                slug=slug, title=slug, body="", author=writer, status="published"
            )
            Record.objects.create(
                site=site, kind="post", key=post, content_type=article_type, object_id=article.pk
            )
            for key in ids:
                stored = OldComment.objects.create(
                    article=article, name="Reader", email="r@example.org", body=f"{slug} {key}",
                    token=f"{site}{post}{key}", status="approved",
                )  # fmt: skip
                comments[f"{slug} {key}"] = stored.pk
                Record.objects.create(
                    site=site, kind="comment", key=key, content_type=comment_type,
                    object_id=stored.pk,
                )  # fmt: skip
        # Deleted here after that import: its record remains, saying nothing of its post.
        OldComment.objects.filter(pk=comments.pop("ten 4")).delete()
        return comments

    def test_each_comment_record_is_filed_under_its_post_and_the_rest_left_alone(self):
        self.make_old_records(self.migrate(BEFORE))
        self.migrate(AFTER)
        self.assertEqual(
            sorted(ImportRecord.objects.values_list("site", "kind", "post", "key")),
            [
                ("https://old.example", "author", "", "jdoe"),
                ("https://old.example", "comment", "", "4"),
                ("https://old.example", "comment", "10", "2"),
                ("https://old.example", "comment", "11", "10:2020-01-02 10:00:00:Reader"),
                ("https://old.example", "comment", "11", "3"),
                ("https://old.example", "post", "", "10"),
                ("https://old.example", "post", "", "11"),
                ("https://other.example", "comment", "10", "2"),
                ("https://other.example", "post", "", "10"),
            ],
        )

    def test_an_import_after_it_knows_the_comments_of_the_import_before(self):
        self.make_old_records(self.migrate(BEFORE))
        self.migrate(AFTER)
        out, _ = run(
            export(author(), item(10, slug="ten", comments=[comment(2, "ten 2"),
                                                            comment(4, "ten 4")]),
                   item(11, slug="eleven", comments=[comment(3, "eleven 3"),
                                                     comment(2, "eleven, new")]))
        )  # fmt: skip
        # Comment 2 of post 11 is new (post 10 had a comment 2); the deleted one stays gone.
        self.assertIn("Imported: 1 comment", out)
        self.assertIn("left as they are: 2 posts, 2 comments.", out)
        self.assertIn(
            "1 comment: their id recorded by an earlier import, for a comment deleted here since",
            out,
        )
        self.assertEqual(
            sorted(Comment.objects.filter(article__slug="eleven").values_list("body", flat=True)),
            ["eleven 10:2020-01-02 10:00:00:Reader", "eleven 3", "eleven, new"],
        )
        self.assertFalse(Comment.objects.filter(body="ten 4").exists())

    def test_it_goes_back_while_no_id_is_recorded_under_two_posts(self):
        self.make_old_records(self.migrate(BEFORE))
        self.migrate(AFTER)
        apps = self.migrate(BEFORE)
        Record = apps.get_model("wordpress", "ImportRecord")
        self.assertEqual(Record.objects.filter(kind="comment").count(), 5)

    def test_it_refuses_to_go_back_once_an_id_is_recorded_under_two_posts(self):
        self.make_old_records(self.migrate(BEFORE))
        self.migrate(AFTER)
        ImportRecord.objects.create(site=SITE, kind="comment", post="11", key="2")
        with self.assertRaisesMessage(IrreversibleError, "recorded under more than one post (1)"):
            self.migrate(BEFORE)
