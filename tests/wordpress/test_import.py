"""The importer's rules, each on a small hand-written export."""

import datetime
import io
import tempfile
from pathlib import Path

from django.core.management.base import CommandError
from django.test import TestCase, override_settings
from django.utils import timezone
from PIL import Image as Picture
from taggit.models import Tag

from accounts.models import User
from blog.models import Article, Category
from comments.models import Comment
from editing.models import Image
from tests.base import (
    SECRET_METADATA,
    make_article,
    make_editor,
    photo_with_metadata,
    png_header,
)
from tests.wordpress.helpers import (
    SITE,
    author,
    category,
    comment,
    export,
    item,
    run,
    run_file,
    tag,
)
from wordpress.models import ImportRecord


def jpeg(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    Picture.new("RGB", (8, 6), (200, 30, 30)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())


class MediaTestCase(TestCase):
    def setUp(self):
        media = tempfile.TemporaryDirectory(prefix="carnet-test-media-")
        self.addCleanup(media.cleanup)
        self.enterContext(override_settings(MEDIA_ROOT=media.name))
        self.media_root = Path(media.name)
        uploads = tempfile.TemporaryDirectory(prefix="carnet-test-uploads-")
        self.addCleanup(uploads.cleanup)
        self.uploads = Path(uploads.name)


class AuthorTests(TestCase):
    def test_an_author_becomes_an_account_with_their_name_and_no_usable_password(self):
        run(export(author("jdoe", "Jane Doe", "jane@old.example"), item(1)))
        user = User.objects.get(username="jdoe")
        self.assertEqual(user.display_name, "Jane Doe")
        self.assertEqual(user.email, "jane@old.example")
        self.assertFalse(user.has_usable_password())
        self.assertFalse(user.is_staff)
        self.assertEqual(Article.objects.get().author, user)

    def test_the_creator_links_each_post_to_its_author(self):
        run(export(author("a", "Ann"), author("b", "Bob", "bob@old.example", "3"),
                   item(1, creator="a"), item(2, creator="b")))  # fmt: skip
        self.assertEqual(Article.objects.get(slug="post-1").author.display_name, "Ann")
        self.assertEqual(Article.objects.get(slug="post-2").author.display_name, "Bob")

    def test_a_wxr_1_0_creator_without_an_author_entry_becomes_an_account(self):
        run(export(item(1, creator="Theme Admin"), version="1.0"))
        self.assertEqual(Article.objects.get().author.display_name, "Theme Admin")

    def test_an_author_with_the_email_of_an_account_is_that_account(self):
        editor = make_editor(email="jane@old.example")
        out, _ = run(export(author("jdoe", "Jane", "JANE@old.example"), item(1)))
        self.assertEqual(Article.objects.get().author, editor)
        self.assertIn(f"is the existing account {editor.username}", out)

    def test_a_taken_username_gets_a_number(self):
        make_editor(username="jdoe", email="other@example.org")
        run(export(author("jdoe"), item(1)))
        self.assertEqual(Article.objects.get().author.username, "jdoe-2")


class TermTests(TestCase):
    def test_categories_keep_their_slug_and_name_and_the_post_gets_the_deepest(self):
        run(
            export(
                category("news", "News"),
                category("world", "World", parent="news"),
                category("europe", "Europe", parent="world"),
                item(1, terms=[("category", "news", "News"), ("category", "europe", "Europe"),
                               ("category", "uncategorized", "Uncategorized")]),
            )
        )  # fmt: skip
        article = Article.objects.get()
        self.assertEqual(article.category.slug, "europe")
        self.assertEqual(article.category.name, "Europe")
        # The post's other categories are kept as its tags; "Uncategorized" is not.
        self.assertEqual(sorted(article.tags.names()), ["News"])
        self.assertEqual(
            set(Category.objects.values_list("slug", flat=True)),
            {"news", "world", "europe", "uncategorized"},
        )

    def test_two_categories_with_one_name_under_two_parents_both_exist(self):
        run(
            export(
                category("sport", "Sport"),
                category("culture", "Culture"),
                category("sport-news", "News", parent="sport"),
                category("culture-news", "News", parent="culture"),
                item(1),
            )
        )
        self.assertEqual(Category.objects.get(slug="sport-news").name, "News")
        self.assertEqual(Category.objects.get(slug="culture-news").name, "News (Culture)")

    def test_tags_keep_their_slug_and_name(self):
        run(
            export(
                tag("paris", "Paris"),
                item(
                    1, terms=[("post_tag", "paris", "Paris"), ("post_tag", "new-one", "New One")]
                ),
            )
        )
        self.assertEqual(sorted(Article.objects.get().tags.names()), ["New One", "Paris"])
        self.assertEqual(Tag.objects.get(name="New One").slug, "new-one")

    def test_a_wxr_1_0_tag_domain_is_a_tag(self):
        run(export(item(1, terms=[("tag", "old", "Old")]), version="1.0"))
        self.assertEqual(list(Article.objects.get().tags.names()), ["Old"])

    def test_an_existing_category_with_the_slug_is_reused(self):
        existing = Category.objects.create(name="Monde", slug="world")
        run(export(item(1, terms=[("category", "world", "World")])))
        self.assertEqual(Article.objects.get().category, existing)


class PostTests(TestCase):
    def test_statuses_are_mapped_and_private_and_trash_are_skipped_and_reported(self):
        future = (timezone.now() + datetime.timedelta(days=5)).strftime("%Y-%m-%d %H:%M:%S")
        out, _ = run(
            export(
                item(1, status="publish"),
                item(2, status="future", date=future, date_gmt=future),
                item(3, status="draft"),
                item(4, status="pending"),
                item(5, status="private"),
                item(6, status="trash"),
            )
        )
        articles = {a.slug: a for a in Article.objects.all()}
        self.assertTrue(articles["post-1"].is_published())
        self.assertTrue(articles["post-2"].is_scheduled())
        self.assertEqual(articles["post-3"].status, Article.Status.DRAFT)
        self.assertEqual(articles["post-4"].status, Article.Status.IN_REVIEW)
        self.assertEqual(set(articles), {"post-1", "post-2", "post-3", "post-4"})
        self.assertIn("1 post: status “private”", out)
        self.assertIn("1 post: status “trash”", out)

    def test_an_empty_slug_is_made_from_the_title_and_kept_unique(self):
        make_article(slug="bonjour-le-monde")
        run(export(item(1, title="Bonjour le monde !", slug=""),
                   item(2, title="Été à Paris", slug="%c3%a9t%c3%a9-%c3%a0-paris")))  # fmt: skip
        self.assertTrue(Article.objects.filter(slug="bonjour-le-monde-2").exists())
        self.assertTrue(Article.objects.filter(slug="ete-a-paris").exists())

    def test_dates_are_read_in_gmt(self):
        run(export(item(1, date="2020-06-01 14:00:00", date_gmt="2020-06-01 12:00:00")))
        self.assertEqual(
            Article.objects.get().published_at,
            datetime.datetime(2020, 6, 1, 12, 0, tzinfo=datetime.UTC),
        )

    def test_a_draft_without_gmt_date_is_read_in_the_site_time_zone(self):
        run(export(item(1, status="draft", date="2020-06-01 14:00:00",
                        date_gmt="0000-00-00 00:00:00")))  # fmt: skip
        self.assertEqual(
            Article.objects.get().published_at,
            datetime.datetime(2020, 6, 1, 12, 0, tzinfo=datetime.UTC),  # Paris, summer
        )

    def test_the_excerpt_is_the_standfirst_and_comment_status_is_kept(self):
        run(export(item(1, excerpt="<p>The <b>lead</b> &amp; more.</p>", comment_status="closed")))
        article = Article.objects.get()
        self.assertEqual(article.standfirst, "The lead & more.")
        self.assertFalse(article.comments_open)

    def test_a_post_a_news_plugin_left_out_of_google_news_stays_out(self):
        run(
            export(
                item(1, meta={"_yoast_wpseo_newssitemap-exclude": "on"}),
                item(2, meta={"_xmlsf_news_exclude": "1"}),
                item(3, meta={"rank_math_news_sitemap_exclude": "on"}),
                item(4, meta={"_yoast_wpseo_newssitemap-exclude": "off"}),
                item(5),
            )
        )
        self.assertEqual(
            list(
                Article.objects.order_by("pk").values_list("exclude_from_google_news", flat=True)
            ),
            [True, True, True, False, False],
        )

    def test_the_newest_sticky_post_is_the_lead_story(self):
        run(
            export(
                item(1, sticky=True, date_gmt="2020-01-01 10:00:00"),
                item(2, sticky=True, date_gmt="2021-01-01 10:00:00"),
                item(3, sticky=False, date_gmt="2022-01-01 10:00:00"),
            )
        )
        self.assertEqual(list(Article.objects.filter(featured=True)), [
            Article.objects.get(slug="post-2")])  # fmt: skip
        self.assertEqual(Article.objects.lead().slug, "post-2")

    def test_a_sticky_post_does_not_unpin_the_sites_lead_story(self):
        lead = make_article(featured=True)
        out, _ = run(export(item(1, sticky=True)))
        self.assertEqual(list(Article.objects.filter(featured=True)), [lead])
        self.assertIn("was not pinned", out)

    def test_the_export_language_is_the_articles_language(self):
        run(export(item(1), language="en-GB"))
        self.assertEqual(Article.objects.get().language, "en")

    def test_items_that_are_neither_posts_pages_nor_attachments_are_reported(self):
        out, _ = run(export(item(1, post_type="nav_menu_item"), item(2, post_type="wp_block")))
        self.assertFalse(Article.objects.exists())
        self.assertIn("1 nav_menu_item: not a post, a page or an attachment", out)
        self.assertIn("1 wp_block: not a post, a page or an attachment", out)


class ContentTests(MediaTestCase):
    def body(self, content: str, *args: str) -> str:
        run(export(item(1, content=content)), *args)
        return Article.objects.get().body_html

    def test_classic_content_gets_wordpress_paragraphs(self):
        self.assertHTMLEqual(
            self.body("First line\nsecond line\n\nSecond paragraph"),
            "<p>First line<br>second line</p><p>Second paragraph</p>",
        )

    def test_block_comments_are_stripped_and_their_html_kept_without_paragraphs_added(self):
        html = (
            '<!-- wp:paragraph {"align":"left"} -->\n<p>One</p>\n<!-- /wp:paragraph -->\n\n'
            "<!-- wp:separator -->\n<hr/>\n<!-- /wp:separator --><!-- wp:latest-posts /-->"
        )
        body = self.body(html)
        self.assertNotIn("wp:", body)
        self.assertHTMLEqual(body, "<p>One</p><hr>")

    def test_a_caption_becomes_a_figure_with_its_caption(self):
        jpeg(self.uploads / "2020/01/boat.jpg")
        body = self.body(
            '[caption id="attachment_5" align="alignnone" width="300"]'
            f'<img src="{SITE}/wp-content/uploads/2020/01/boat-300x200.jpg" alt="A boat" '
            'width="300" height="200" class="size-medium"> On the <em>lake</em>[/caption]',
            "--media-dir",
            str(self.uploads),
        )
        # The original, not WordPress's resized copy, goes into the library.
        image = Image.objects.get()
        self.assertEqual(image.alt, "A boat")
        self.assertInHTML(
            f'<figure><img loading="lazy" decoding="async" src="{image.url}" alt="A boat" '
            'width="300" height="200"><figcaption>On the <em>lake</em></figcaption></figure>',
            body,
        )
        self.assertTrue((self.media_root / image.file.name).is_file())

    def test_an_image_not_found_is_reported_and_never_loaded_from_the_old_site(self):
        out_body = self.body(
            f'<p>Text <img src="{SITE}/wp-content/uploads/gone.jpg" alt="x"></p>'
            '<img src="https://elsewhere.example/pic.png">'
            f'[caption width="3"]<img src="{SITE}/wp-content/uploads/gone2.jpg"> Gone[/caption]'
        )
        self.assertNotIn("<img", out_body)
        self.assertNotIn("old.example", out_body)
        # A caption whose image is missing describes nothing.
        self.assertNotIn("Gone", out_body)
        self.assertIn("Text", out_body)

    def test_missing_images_are_listed_in_the_summary(self):
        out, _ = run(export(item(1, content=f'<img src="{SITE}/wp-content/uploads/gone.jpg">')))
        self.assertIn("1 image not found", out)
        self.assertIn(f"{SITE}/wp-content/uploads/gone.jpg", out)

    def test_embeds_are_links_and_unknown_shortcodes_stay_as_text(self):
        body = self.body(
            "[embed]https://video.example/watch?v=1[/embed]\n\n"
            "https://video.example/watch?v=2\n\n"
            '[contact-form to="me"] and [video src="https://video.example/v.mp4"]'
        )
        self.assertInHTML(
            '<a href="https://video.example/watch?v=1">https://video.example/watch?v=1</a>', body
        )
        self.assertInHTML(
            '<a href="https://video.example/watch?v=2">https://video.example/watch?v=2</a>', body
        )
        self.assertIn('[contact-form to="me"]', body.replace("&quot;", '"'))
        self.assertNotIn("<iframe", body)

    def test_a_gallery_shows_the_images_of_its_attachments_even_listed_later(self):
        jpeg(self.uploads / "2020/01/a.jpg")
        jpeg(self.uploads / "2020/01/b.jpg")
        run(
            export(
                item(1, content='Before\n\n[gallery ids="11,12"]\n\nAfter'),
                item(11, post_type="attachment", status="inherit", title="Photo A",
                     attachment_url=f"{SITE}/wp-content/uploads/2020/01/a.jpg", parent=1,
                     meta={"_wp_attachment_image_alt": "Alt A"}),
                item(12, post_type="attachment", status="inherit", title="Photo B",
                     attachment_url=f"{SITE}/wp-content/uploads/2020/01/b.jpg", parent=1),
            ),
            "--media-dir",
            str(self.uploads),
        )  # fmt: skip
        body = Article.objects.get().body_html
        a, b = Image.objects.get(alt="Alt A"), Image.objects.get(alt="Photo B")
        self.assertIn(f'src="{a.url}" alt="Alt A"', body)
        self.assertIn(f'src="{b.url}" alt="Photo B"', body)
        self.assertNotIn("[gallery", body)
        self.assertLess(body.index("Before"), body.index(a.url))

    def test_a_gallery_without_ids_shows_the_posts_attachments(self):
        jpeg(self.uploads / "c.jpg")
        run(
            export(
                item(1, content="[gallery]"),
                item(13, post_type="attachment", status="inherit", parent=1,
                     attachment_url=f"{SITE}/wp-content/uploads/c.jpg"),
            ),
            "--media-dir",
            str(self.uploads),
        )  # fmt: skip
        self.assertIn(f'src="{Image.objects.get().url}"', Article.objects.get().body_html)

    def test_the_featured_image_is_the_cover(self):
        jpeg(self.uploads / "2020/01/cover.jpg")
        run(
            export(
                item(1, meta={"_thumbnail_id": "21"}),
                item(21, post_type="attachment", status="inherit", title="Cover title",
                     excerpt="The caption",
                     attachment_url=f"{SITE}/wp-content/uploads/2020/01/cover.jpg",
                     meta={"_wp_attachment_image_alt": "A red square"}),
            ),
            "--media-dir",
            str(self.uploads),
        )  # fmt: skip
        article = Article.objects.get()
        self.assertEqual(article.cover.alt, "A red square")
        self.assertEqual(article.cover.caption, "The caption")
        self.assertTrue((self.media_root / article.cover.file.name).is_file())

    def test_imported_photos_are_reencoded_without_their_metadata_and_bombs_left_out(self):
        (self.uploads / "2020/01").mkdir(parents=True)
        (self.uploads / "2020/01/source.jpg").write_bytes(photo_with_metadata())
        (self.uploads / "2020/01/bomb.png").write_bytes(png_header(10_000, 10_000))
        out, _ = run(
            export(
                item(1, meta={"_thumbnail_id": "21"},
                     content=f'<img src="{SITE}/wp-content/uploads/2020/01/bomb.png" alt="x">'),
                item(21, post_type="attachment", status="inherit", title="A source",
                     attachment_url=f"{SITE}/wp-content/uploads/2020/01/source.jpg"),
            ),
            "--media-dir",
            str(self.uploads),
        )  # fmt: skip
        cover = Article.objects.get().cover
        self.assertEqual((cover.width, cover.height), (200, 300))  # turned upright
        self.assertNotIn(SECRET_METADATA, (self.media_root / cover.file.name).read_bytes())
        self.assertEqual(Image.objects.count(), 1)
        self.assertIn("too many pixels", out)

    def test_links_to_the_old_site_become_local_addresses(self):
        body = self.body(f'<a href="{SITE}/2019/05/05/older/">older</a> '
                         '<a href="https://other.example/">other</a>')  # fmt: skip
        self.assertIn('href="/2019/05/05/older/"', body)
        self.assertIn('href="https://other.example/"', body)

    def test_an_image_path_cannot_leave_the_media_folder(self):
        secret = self.uploads.parent / f"{self.uploads.name}-secret.jpg"
        jpeg(secret)
        self.addCleanup(secret.unlink)
        body = self.body(
            f'<img src="{SITE}/wp-content/uploads/../{secret.name}">',
            "--media-dir",
            str(self.uploads),
        )
        self.assertNotIn("<img", body)


class CommentImportTests(TestCase):
    def import_comments(self, *comments: str) -> Article:
        self.out, _ = run(export(item(1, comments=comments)))
        return Article.objects.get()

    def test_statuses_are_kept_and_trash_and_pings_are_skipped_and_reported(self):
        article = self.import_comments(
            comment(1, approved="1"),
            comment(2, approved="0"),
            comment(3, approved="spam"),
            comment(4, approved="trash"),
            comment(5, type="pingback"),
            comment(6, type="trackback"),
        )
        self.assertEqual(
            sorted(article.comments.values_list("status", flat=True)),
            ["approved", "pending", "spam"],
        )
        self.assertIn("1 comment: status “trash”", self.out)
        self.assertIn("1 comment: pingbacks", self.out)
        self.assertIn("1 comment: trackbacks", self.out)
        self.assertEqual(article.comment_count, 1)

    def test_threads_deeper_than_one_level_join_their_top_level_comment(self):
        article = self.import_comments(
            comment(1, "Top"),
            comment(2, "Reply", parent=1, date_gmt="2020-01-02 11:00:00"),
            comment(3, "Reply to the reply", parent=2, date_gmt="2020-01-02 12:00:00"),
            comment(4, "Second thread", date_gmt="2020-01-03 10:00:00"),
        )
        comments = {c.body: c for c in article.comments.all()}
        top = comments["Top"]
        self.assertIsNone(top.parent)
        self.assertEqual(comments["Reply"].parent, top)
        self.assertEqual(comments["Reply to the reply"].parent, top)
        self.assertIsNone(comments["Second thread"].parent)
        self.assertEqual(article.comment_count, 4)
        # Each reply names the comment it answered.
        self.assertEqual(comments["Reply"].answers, top)
        self.assertEqual(comments["Reply to the reply"].answers, comments["Reply"])
        self.assertIsNone(top.answers)

    def test_a_reply_is_imported_even_listed_before_its_parent(self):
        article = self.import_comments(comment(2, "Reply", parent=1), comment(1, "Top"))
        reply = article.comments.get(body="Reply")
        self.assertEqual(reply.parent.body, "Top")
        self.assertEqual(reply.answers.body, "Top")

    def test_name_website_email_date_and_text_are_kept(self):
        article = self.import_comments(
            comment(1, "<p>Hello &amp; <b>welcome</b></p><p>Bye</p>", name="Zoé",
                    email="zoe@example.org", url="https://zoe.example",
                    date_gmt="2020-01-02 10:00:00")
        )  # fmt: skip
        stored = article.comments.get()
        self.assertEqual(stored.name, "Zoé")
        self.assertEqual(stored.email, "zoe@example.org")
        self.assertEqual(stored.website, "https://zoe.example")
        self.assertEqual(stored.body, "Hello & welcome\n\nBye")
        self.assertHTMLEqual(stored.body_html, "<p>Hello &amp; welcome</p><p>Bye</p>")
        self.assertEqual(
            stored.submitted_at, datetime.datetime(2020, 1, 2, 10, 0, tzinfo=datetime.UTC)
        )

    def test_an_ip_address_is_kept_only_within_the_retention_period(self):
        recent = (timezone.now() - datetime.timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S")
        article = self.import_comments(
            comment(1, "old", ip="203.0.113.1", date_gmt="2019-01-01 10:00:00"),
            comment(2, "recent", ip="203.0.113.2", date_gmt=recent),
            comment(3, "bad", ip="not an address", date_gmt=recent),
        )
        ips = dict(article.comments.values_list("body", "ip_address"))
        self.assertEqual(ips, {"old": None, "recent": "203.0.113.2", "bad": None})

    def test_invalid_emails_and_websites_are_left_blank(self):
        article = self.import_comments(
            comment(1, email="not-an-email", url="javascript:alert(1)", name="")
        )
        stored = article.comments.get()
        self.assertEqual((stored.email, stored.website), ("", ""))
        self.assertEqual(stored.name, "Anonyme")


class RepeatTests(MediaTestCase):
    def test_a_second_run_changes_nothing_and_a_newer_export_adds_what_is_new(self):
        first = export(author(), item(1, comments=[comment(1)]))
        run(first)
        counts = (Article.objects.count(), Comment.objects.count(), User.objects.count())
        out, _ = run(first)
        self.assertEqual(
            (Article.objects.count(), Comment.objects.count(), User.objects.count()), counts
        )
        self.assertIn("Imported: nothing", out)
        run(export(author(), item(1, comments=[comment(1), comment(2, parent=1)]), item(2)))
        self.assertEqual(Article.objects.count(), 2)
        reply = Comment.objects.get(parent__isnull=False)
        self.assertEqual(reply.parent.article.slug, "post-1")
        self.assertEqual(reply.answers, reply.parent)
        self.assertEqual(Article.objects.get(slug="post-1").comment_count, 2)

    def test_an_image_imported_twice_is_copied_once(self):
        jpeg(self.uploads / "x.jpg")
        data = export(item(1, content=f'<img src="{SITE}/wp-content/uploads/x.jpg">'))
        run(data, "--media-dir", str(self.uploads))
        run(data, "--media-dir", str(self.uploads))
        self.assertEqual(Image.objects.count(), 1)
        self.assertEqual(len(list((self.media_root / "library").rglob("*.jpg"))), 1)

    def test_a_dry_run_says_what_would_happen_and_keeps_nothing(self):
        jpeg(self.uploads / "x.jpg")
        out, _ = run(
            export(author(), item(1, comments=[comment(1)],
                                  content=f'<img src="{SITE}/wp-content/uploads/x.jpg">')),
            "--dry-run", "--media-dir", str(self.uploads),
        )  # fmt: skip
        self.assertIn("Would import: 1 author, 1 image, 1 post, 1 comment", out)
        self.assertIn("Dry run: nothing was kept.", out)
        self.assertFalse(Article.objects.exists())
        self.assertFalse(User.objects.filter(username="jdoe").exists())
        self.assertFalse(Image.objects.exists())
        self.assertFalse((self.media_root / "library").exists())

    def test_progress_is_shown_on_stderr(self):
        _, err = run(export(item(1)))
        self.assertIn("100% of the export read", err)


class BrokenFileTests(MediaTestCase):
    def assert_refused(self, data: bytes, message: str) -> None:
        with self.assertRaises(CommandError) as raised:
            run(data)
        self.assertIn(message, str(raised.exception))
        self.assertIn("Nothing was imported", str(raised.exception))
        self.assertFalse(Article.objects.exists())
        self.assertFalse(User.objects.exists())
        self.assertFalse(ImportRecord.objects.exists())

    def test_a_file_that_is_not_xml_is_refused_with_its_line(self):
        self.assert_refused(b"Hello\nthis is not XML", "line 1: malformed or truncated XML")

    def test_an_html_page_is_not_a_wordpress_export(self):
        self.assert_refused(b"<html><body>hi</body></html>", "line 1: not a WordPress export")

    def test_an_rss_feed_is_not_a_wordpress_export(self):
        self.assert_refused(
            b'<?xml version="1.0"?>\n<rss version="2.0"><channel></channel></rss>',
            "line 2: not a WordPress export: the RSS file has no WordPress (WXR) namespace",
        )

    def test_a_truncated_export_imports_nothing(self):
        data = export(author(), item(1), item(2, comments=[comment(1)]))
        cut = data[: data.index(b"<wp:comment_content>")]
        line = cut.count(b"\n") + 1
        self.assert_refused(cut, f"line {line}: malformed or truncated XML")

    def test_a_malformed_item_after_good_ones_imports_nothing(self):
        data = export(item(1), item(2), "<item><title>broken</titel></item>\n")
        line = data.decode().splitlines().index("<item><title>broken</titel></item>") + 1
        self.assert_refused(data, f"line {line}: malformed or truncated XML (mismatched tag)")

    def test_a_missing_file_is_a_clear_error(self):
        with self.assertRaisesMessage(CommandError, "no such file"):
            run_file("/nonexistent/export.xml")


class VersionTests(TestCase):
    def test_wxr_1_0_1_1_and_1_2_are_read(self):
        for n, version in enumerate(["1.0", "1.1", "1.2"], start=1):
            with self.subTest(version):
                run(export(item(n, slug=f"v{n}"), version=version, site=f"https://s{n}.example"))
                self.assertTrue(Article.objects.filter(slug=f"v{n}").exists())

    def test_control_characters_xml_forbids_are_dropped_not_fatal(self):
        run(export(item(1, title="Bell\x07 and escape\x1b", content="Text\x0b here")))
        article = Article.objects.get()
        self.assertEqual(article.title, "Bell and escape")
        self.assertIn("Text here", article.body_html)
