"""Moving in twice: a second export of the same site adds what is new, counts what it
already had, names what it cannot match, and never ends in a traceback."""

from pathlib import Path
from unittest import mock

from django.core.management.base import CommandError
from django.db import IntegrityError
from django.test import TestCase
from taggit.models import Tag

from accounts.models import User
from blog.models import Article, Category
from comments.models import Comment
from tests.wordpress.helpers import author, category, comment, export, item, run, run_file, tag
from wordpress.models import ImportRecord

SAMPLE = Path(__file__).parent / "exports" / "theme-preview.xml"
PREVIEW = "https://wp-themes.com"
OLD_GUID = "http://wordpress.org/extend/themes-preview/?p={}"


def later_preview_export() -> bytes:
    """The theme-preview site exported again, later, by a WordPress that numbered its
    comments again: ids 2 and 309, taken by the first export's comments on posts 8 and
    1, come back on other posts for other comments."""
    return export(
        author("Theme Admin", "Theme Admin", "admin@wp-themes.invalid", "1"),
        # Hello world! again: its comment 309 as before, and two new ones, the first
        # under the id that post 8's comment had.
        item(1, title="Hello world!", slug="hello-world", creator="Theme Admin",
             link=f"{PREVIEW}/?p=1", guid=OLD_GUID.format(1), date_gmt="2008-06-04 22:40:06",
             comments=[
                 comment(309, "Need a comment with a real Gravatar.", name="themedemos",
                         date_gmt="2007-09-04 00:49:28"),
                 comment(2, "Hello from a new reader.", name="Nouvelle",
                         date_gmt="2020-03-01 10:00:00"),
                 comment(311, "Welcome!", parent=2, name="Ancien",
                         date_gmt="2020-03-01 11:00:00"),
             ]),
        # HTML again: its comment 2 as before, and a new one.
        item(8, title="HTML", slug="html", creator="Theme Admin", link=f"{PREVIEW}/?p=8",
             guid=OLD_GUID.format(8), date_gmt="2008-06-21 00:04:53",
             comments=[
                 comment(2, "I never could remember more than the first few lines of that "
                            "nursery rhyme.", name="Anon", date_gmt="2007-09-04 00:49:28"),
                 comment(312, "Nor could I.", parent=2, name="Bea",
                         date_gmt="2020-03-02 10:00:00"),
             ]),
        # A post written since, whose comment has the id of Hello world!'s first one.
        item(60, title="A later post", slug="a-later-post", creator="Theme Admin",
             link=f"{PREVIEW}/?p=60", guid=f"{PREVIEW}/?p=60",
             comments=[comment(309, "First on the new post.", name="Chloé")]),
        site=PREVIEW,
    )  # fmt: skip


class OverlappingExportsTests(TestCase):
    """The real theme-preview export, then a later export of the same site."""

    @classmethod
    def setUpTestData(cls):
        run_file(SAMPLE)
        cls.out, _ = run(later_preview_export())

    def bodies(self, slug: str) -> list[str]:
        return list(
            Comment.objects.filter(article__slug=slug)
            .order_by("submitted_at")
            .values_list("body", flat=True)
        )

    def test_the_second_export_adds_what_is_new_and_reports_what_it_had(self):
        self.assertIn("Imported: 4 comments, 1 post", self.out)
        self.assertIn("Already imported before, left as they are: 2 posts, 2 comments.", self.out)
        self.assertNotIn("Not imported", self.out)
        self.assertEqual(Article.objects.count(), 8)
        self.assertEqual(Comment.objects.count(), 6)

    def test_each_comment_is_on_its_own_post_whatever_ids_other_posts_used(self):
        self.assertEqual(
            self.bodies("hello-world"),
            ["Need a comment with a real Gravatar.", "Hello from a new reader.", "Welcome!"],
        )
        self.assertEqual(
            self.bodies("html"),
            [
                "I never could remember more than the first few lines of that nursery rhyme.",
                "Nor could I.",
            ],
        )
        self.assertEqual(self.bodies("a-later-post"), ["First on the new post."])
        records = ImportRecord.objects.filter(site=PREVIEW, kind="comment")
        self.assertEqual(
            sorted(records.values_list("post", "key")),
            [("1", "2"), ("1", "309"), ("1", "311"), ("60", "309"), ("8", "2"), ("8", "312")],
        )
        for record in records:
            with self.subTest(record=str(record)):
                post = ImportRecord.objects.get(site=PREVIEW, kind="post", key=record.post)
                self.assertEqual(record.target.article, post.target)

    def test_new_replies_join_their_threads_old_and_new(self):
        welcome = Comment.objects.get(body="Welcome!")
        self.assertEqual(welcome.parent.body, "Hello from a new reader.")
        nor = Comment.objects.get(body="Nor could I.")
        # Its thread came with the first export.
        self.assertEqual(nor.parent.name, "Anon")
        self.assertEqual(nor.parent.article.slug, "html")
        self.assertEqual(Article.objects.get(slug="html").comment_count, 2)
        self.assertEqual(Article.objects.get(slug="hello-world").comment_count, 3)

    def test_the_second_export_imported_again_changes_nothing(self):
        counts = (Article.objects.count(), Comment.objects.count(), ImportRecord.objects.count())
        out, _ = run(later_preview_export())
        self.assertIn("Imported: nothing", out)
        self.assertIn("left as they are: 3 posts, 6 comments.", out)
        self.assertEqual(
            (Article.objects.count(), Comment.objects.count(), ImportRecord.objects.count()),
            counts,
        )


class CommentIdentityTests(TestCase):
    def test_one_export_may_use_a_comment_id_on_two_posts(self):
        out, _ = run(export(author(), item(1, comments=[comment(5, "On one")]),
                            item(2, comments=[comment(5, "On two")])))  # fmt: skip
        self.assertIn("2 comments", out)
        self.assertEqual(Article.objects.get(slug="post-1").comments.get().body, "On one")
        self.assertEqual(Article.objects.get(slug="post-2").comments.get().body, "On two")

    def test_a_comment_id_twice_in_one_post_is_named_and_the_first_kept(self):
        out, _ = run(export(author(), item(1, comments=[comment(5, "First"),
                                                         comment(5, "Second")])))  # fmt: skip
        self.assertEqual(list(Comment.objects.values_list("body", flat=True)), ["First"])
        self.assertIn("Not imported, as they do not match what was imported before:", out)
        self.assertIn("comment 5 of post 1 (line", out)
        self.assertIn("the post holds two comments with this id", out)

    def test_a_comment_deleted_here_does_not_come_back(self):
        run(export(author(), item(1, comments=[comment(1, "Spam we missed")])))
        Comment.objects.get().delete()
        out, _ = run(export(author(), item(1, comments=[comment(1, "Spam we missed")])))
        self.assertFalse(Comment.objects.exists())
        self.assertIn("left as they are: 1 post, 1 comment.", out)

    def test_a_new_reply_to_a_comment_deleted_here_is_left_out_and_counted(self):
        run(export(author(), item(1, comments=[comment(1, "Removed")])))
        Comment.objects.get().delete()
        out, _ = run(
            export(author(), item(1, comments=[comment(1, "Removed"),
                                                comment(2, "Answer", parent=1)]))
        )  # fmt: skip
        self.assertFalse(Comment.objects.exists())
        self.assertIn("1 comment: replies to a comment deleted here since", out)

    def test_a_new_reply_answering_a_reply_deleted_here_joins_the_thread(self):
        run(export(author(), item(1, comments=[comment(1, "Top"), comment(2, "Mid", parent=1)])))
        Comment.objects.get(body="Mid").delete()
        run(export(author(), item(1, comments=[comment(1, "Top"), comment(2, "Mid", parent=1),
                                               comment(3, "Low", parent=2)])))  # fmt: skip
        low = Comment.objects.get(body="Low")
        self.assertEqual(low.parent.body, "Top")
        self.assertIsNone(low.answers)

    def test_a_comment_without_an_id_is_known_by_its_date_and_author(self):
        data = export(author(), item(1, comments=[comment("", "No id")]))
        run(data)
        out, _ = run(data)
        self.assertEqual(Comment.objects.count(), 1)
        self.assertIn("left as they are: 1 post, 1 comment.", out)


class UnmatchedItemTests(TestCase):
    def test_a_post_twice_in_one_export_is_named_and_the_first_kept(self):
        out, _ = run(export(author(), item(1, title="First", comments=[comment(1)]),
                            item(1, title="Second", comments=[comment(1)])))  # fmt: skip
        self.assertEqual(list(Article.objects.values_list("title", flat=True)), ["First"])
        self.assertEqual(Comment.objects.count(), 1)
        self.assertIn("post 1 “Second” (line", out)
        self.assertIn("the export holds it twice (first on line", out)

    def test_another_post_under_a_recorded_id_is_named_not_merged(self):
        run(export(author(), item(7, title="Original", comments=[comment(1, "Old")])))
        out, _ = run(
            export(author(), item(7, title="Impostor", slug="impostor",
                                  guid="https://old.example/?p=7&reinstalled",
                                  comments=[comment(1, "New")]))
        )  # fmt: skip
        self.assertEqual(list(Article.objects.values_list("title", flat=True)), ["Original"])
        self.assertEqual(list(Comment.objects.values_list("body", flat=True)), ["Old"])
        self.assertIn("post 7 “Impostor”", out)
        self.assertIn("an earlier import recorded id 7 for another item", out)

    def test_the_same_guid_over_https_is_the_same_post(self):
        run(export(author(), item(7, guid="http://old.example/?p=7")))
        out, _ = run(export(author(), item(7, guid="https://old.example/?p=7")))
        self.assertIn("left as they are: 1 post.", out)
        self.assertNotIn("Not imported", out)

    def test_a_post_whose_article_was_deleted_here_stays_deleted_with_its_comments(self):
        run(export(author(), item(1, comments=[comment(1)])))
        Article.objects.get().delete()
        out, _ = run(export(author(), item(1, comments=[comment(1), comment(2)])))
        self.assertFalse(Article.objects.exists())
        self.assertFalse(Comment.objects.exists())
        self.assertIn("post 1 was imported before, and its article deleted here since", out)

    def test_the_site_over_https_is_the_site_imported_over_http(self):
        run(export(author(), item(1, comments=[comment(1)]), site="http://www.old.example"))
        out, _ = run(
            export(author(), item(1, comments=[comment(1), comment(2)]), item(2),
                   site="https://old.example")
        )  # fmt: skip
        self.assertIn("an earlier import named it http://www.old.example", out)
        self.assertEqual(Article.objects.count(), 2)
        self.assertEqual(Comment.objects.count(), 2)
        self.assertEqual(set(ImportRecord.objects.values_list("site", flat=True)),
                         {"http://www.old.example"})  # fmt: skip


class DeletedHereTests(TestCase):
    """What an editor deleted between two imports is made again when new posts need it,
    and said so; never a clash with the records of the first import."""

    def test_a_deleted_category_tag_and_author_are_made_again_for_new_posts(self):
        terms = [("category", "news", "News"), ("post_tag", "rain", "Rain")]
        first = export(author(), category("news", "News"), tag("rain", "Rain"),
                       item(1, terms=terms))  # fmt: skip
        run(first)
        Article.objects.all().delete()
        Category.objects.all().delete()
        Tag.objects.all().delete()
        User.objects.filter(username="jdoe").delete()
        out, _ = run(export(author(), category("news", "News"), tag("rain", "Rain"),
                            item(1, terms=terms), item(2, terms=terms)))  # fmt: skip
        article = Article.objects.get(slug="post-2")
        self.assertEqual(article.category.slug, "news")
        self.assertEqual(list(article.tags.names()), ["Rain"])
        self.assertEqual(article.author.username, "jdoe")
        self.assertIn("WordPress category news was imported before, and deleted here", out)
        self.assertIn("WordPress tag rain was imported before", out)
        self.assertIn("WordPress author jdoe was imported before", out)
        record = ImportRecord.objects.get(kind="category", key="news")
        self.assertEqual(record.target, article.category)


class NeverATracebackTests(TestCase):
    def test_a_refused_write_at_the_end_is_a_clear_error_and_keeps_nothing(self):
        data = export(author(), item(1, comments=[comment(1)]))
        with (
            mock.patch.object(
                ImportRecord.objects, "bulk_create", side_effect=IntegrityError("refused")
            ),
            self.assertRaises(CommandError) as raised,
        ):
            run(data)
        message = str(raised.exception)
        self.assertIn("the database refused the import (refused)", message)
        self.assertIn("Nothing was imported", message)
        self.assertFalse(Article.objects.exists())
        self.assertFalse(ImportRecord.objects.exists())

    def test_an_unexpected_error_is_a_sentence_with_the_way_to_report_it(self):
        with (
            mock.patch("wordpress.importer.WordPressImport.post", side_effect=KeyError("x")),
            self.assertRaises(CommandError) as raised,
        ):
            run(export(author(), item(1)))
        message = str(raised.exception)
        self.assertIn("the import stopped on an unexpected error (KeyError: 'x')", message)
        self.assertIn("--traceback", message)
        self.assertIsInstance(raised.exception.__cause__, KeyError)
        self.assertFalse(Article.objects.exists())
