import hashlib
import re
from unittest import mock

from django.core import mail
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase

from comments.models import Comment, commenter_key_for
from editing.models import Image
from pages.models import Page
from sitewide.models import SiteSettings
from tests.base import (
    SECRET_METADATA,
    TemporaryMediaMixin,
    make_article,
    make_category,
    make_comment,
    make_editor,
    make_moderator,
    photo_with_metadata,
)
from tests.comments.helpers import emailed_links, open_link, post_comment

EMAILS = ["Secret.Reader@Example.org", "second-secret@example.net", "reply-secret@example.com"]


def traces(email: str) -> list[str]:
    """The email, the hashes an avatar service or a careless template would show, and the
    key the moderation screens group a commenter's comments by."""
    forms = {email, email.lower(), email.strip().lower()}
    found = set(forms) | {commenter_key_for(email)}
    for form in forms:
        found.add(hashlib.md5(form.encode()).hexdigest())  # noqa: S324 - looking for Gravatar
        found.add(hashlib.sha256(form.encode()).hexdigest())
    return sorted(found)


class PublicCrawlTests(TemporaryMediaMixin, TestCase):
    """After comments with known emails are posted and approved, no public page shows them;
    after photos with a GPS position are uploaded, no served image holds it."""

    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.author = make_editor(slug="the-author")
        cls.author.avatar = SimpleUploadedFile("me.jpg", photo_with_metadata())
        cls.author.save()
        cls.category = make_category(slug="world")
        cover = Image.objects.create_from_file(
            ContentFile(photo_with_metadata(1000, 600)), name="source.jpg", alt="The source"
        )
        cls.article = make_article(
            slug="crawled", author=cls.author, category=cls.category, tags=["Peace"], cover=cover
        )
        cls.moderator = make_moderator()
        Page.objects.create(slug="a-propos", title="À propos", body="<p>Nous.</p>")

    def setUp(self):
        for n, email in enumerate(EMAILS):
            post_comment(
                self.client,
                self.article,
                ip=f"198.51.100.{n + 1}",
                name=f"Reader {n}",
                email=email,
                website="https://reader.example",
                body=f"Comment body {n} mentioning nothing private.",
            )
        Comment.objects.all().approve(by=self.moderator)
        top = Comment.objects.first()
        Comment.objects.filter(email=EMAILS[2]).update(parent=top)
        # Held, and asked for as a moderator's "View on site" asks for it.
        self.held = Comment.objects.create(
            article=self.article, name="Held", email=EMAILS[0], body="Held words."
        )

    def test_no_public_page_shows_an_email_or_its_hash(self):
        published = self.article.published_at
        urls = [
            "/",
            "/articles/crawled/",
            f"/articles/crawled/?reply_to={Comment.objects.first().pk}",
            f"/articles/crawled/?moderate={self.held.pk}",
            "/category/world/",
            "/category/world/feed/",
            "/tag/peace/",
            "/tag/peace/feed/",
            "/author/the-author/",
            "/author/the-author/feed/",
            f"/archive/{published.year}/{published.month}/",
            f"/archive/{published.year}/",
            "/search/?q=Comment",
            "/feed/",
            "/feed/atom/",
            "/feed/comments/",
            "/sitemap.xml",
            "/sitemap-pages.xml",
            "/pages/a-propos/",
            "/no-such-page/",
            "/robots.txt",
        ]
        # Searching for parts of an email must not bring the whole address back.
        urls += [f"/search/?q={part}" for email in EMAILS for part in email.split("@")]
        # Every reader page again, in English.
        urls += [f"/en{url}" for url in urls if not url.startswith(("/sitemap", "/robots.txt"))]
        self.assertContains(self.client.get("/en/articles/crawled/"), "3 comments")
        self.assertContains(self.client.get("/feed/comments/"), "Reader 1")
        media = set()
        for url in urls:
            with self.subTest(url):
                response = self.client.get(url)
                self.assertLess(response.status_code, 500)
                content = response.content.decode()
                media.update(re.findall(r"/media/[^\s\"',?<>]+", content))
                for email in EMAILS:
                    for trace in traces(email):
                        self.assertNotIn(trace, content)
                self.assertNotIn("gravatar", content.lower())
                self.assertNotIn("Held words.", content)
        # Every image the pages show (the cover, its renditions) is served without the
        # photo's metadata: no GPS position, no description.
        self.assertTrue(any("source" in url for url in media), media)
        for url in sorted(media):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn(SECRET_METADATA, b"".join(response.streaming_content))
        # Nor what the cache keeps of the pages (whole, and their fragments) or its keys; a
        # reader without this browser's cookies gets the comments from a kept fragment.
        for url in ["/articles/crawled/", "/en/articles/crawled/"]:
            Client().get(url)
        kept = b"".join(key.encode() + value for key, value in cache._cache.items())
        self.assertIn(b"fragment:comments:", kept)
        for email in EMAILS:
            for trace in traces(email):
                self.assertNotIn(trace.encode(), kept)

    def test_the_posting_browser_does_not_see_the_email_on_its_pending_comment(self):
        post_comment(self.client, self.article, ip="198.51.100.200", email="own@example.org")
        content = self.client.get("/en/articles/crawled/").content.decode()
        self.assertIn("awaiting moderation", content)
        self.assertNotIn("own@example.org", content)

    def test_search_never_matches_a_commenter_email(self):
        for email in EMAILS:
            with self.subTest(email):
                response = self.client.get("/search/", {"q": email})
                self.assertNotContains(response, "/articles/crawled/")
                # The page repeats the searcher's own query, and nothing else from it.
                content = response.content.decode().replace(email, "")
                for trace in traces(email):
                    self.assertNotIn(trace, content)


class FeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()

    def test_the_comments_feed_carries_approved_comments_with_names_only(self):
        article = make_article(slug="fed")
        make_comment(article=article, name="Visible", email="visible@example.org")
        make_comment(article=article, name="Waiting", status=Comment.Status.PENDING)
        make_comment(article=make_article(status="draft"), name="OnDraft")
        # the approved comments on published articles (the site settings from the cache)
        SiteSettings.load()
        with self.assertNumQueries(1):
            response = self.client.get("/feed/comments/")
        self.assertContains(response, "Visible")
        self.assertContains(response, "/articles/fed/comments/")
        for absent in ["Waiting", "OnDraft", "visible@example.org", "<author>"]:
            self.assertNotContains(response, absent)

    def test_the_article_feed_carries_the_approved_comment_count(self):
        article = make_article(slug="counted")
        make_comment(article=article)
        make_comment(article=article, status=Comment.Status.PENDING)
        content = self.client.get("/feed/").content.decode()
        self.assertIn('xmlns:slash="http://purl.org/rss/1.0/modules/slash/"', content)
        self.assertIn("<slash:comments>1</slash:comments>", content)

    def test_no_feed_sets_an_author_email(self):
        make_comment(article=make_article())
        for url in ["/feed/", "/feed/atom/", "/feed/comments/"]:
            with self.subTest(url):
                content = self.client.get(url).content.decode()
                # RSS <author> holds an email; Atom's <author> has <name> and <uri> only.
                self.assertNotIn("<email>", content)
                if "<rss" in content:
                    self.assertNotIn("<author>", content)


class NotificationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(slug="notified")
        cls.moderator = make_moderator(email="mod@carnet.example")
        cls.editor_not_moderator = make_editor(email="editor@carnet.example")

    def test_a_held_comment_emails_the_moderators_once_with_an_admin_link(self):
        with self.captureOnCommitCallbacks(execute=True):
            post_comment(self.client, self.article, email="hidden@example.org", name="Zoé")
        comment = Comment.objects.get()
        to_moderators = [
            message for message in mail.outbox if message.to != ["hidden@example.org"]
        ]
        self.assertEqual(len(to_moderators), 1)
        message = to_moderators[0]
        self.assertEqual(message.to, ["mod@carnet.example"])
        self.assertIn(
            f"http://testserver/admin/comments/comment/{comment.pk}/change/", message.body
        )
        self.assertIn("Zoé", message.body)
        self.assertNotIn("hidden@example.org", message.body + message.subject)

    def test_spam_does_not_email_anyone(self):
        site = SiteSettings.load()
        site.comment_refuse_words = "viagra"
        site.save()
        with self.captureOnCommitCallbacks(execute=True):
            post_comment(self.client, self.article, body="viagra")
        self.assertEqual(mail.outbox, [])

    def test_nothing_is_sent_before_the_commit(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            post_comment(self.client, self.article)
        self.assertEqual(mail.outbox, [])
        for callback in callbacks:
            callback()
        # The moderators' notice and the commenter's confirmation.
        self.assertEqual(len(mail.outbox), 2)

    def test_a_failing_mail_server_neither_loses_nor_breaks_the_comment(self):
        with (
            mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")),
            self.assertLogs("django.tasks", level="ERROR"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            response = post_comment(self.client, self.article)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(Comment.objects.count(), 1)


class LoggingTests(TestCase):
    def test_info_logs_during_a_post_carry_no_email(self):
        article = make_article()
        make_moderator(email="mod@carnet.example")
        with (
            self.assertLogs(level="INFO") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            post_comment(self.client, article, email="logged-not@example.org")
            post_comment(self.client, article, email="logged-not@example.org", name="")
        output = "\n".join(logs.output)
        self.assertIn("stored as pending", output)
        self.assertIn("Comment refused on article", output)
        self.assertIn("name:required", output)
        for trace in traces("logged-not@example.org"):
            self.assertNotIn(trace, output)

    def test_a_word_list_holding_an_address_does_not_bring_it_into_the_logs(self):
        site = SiteSettings.load()
        site.comment_hold_words = "watched@example.org"
        site.save()
        with self.assertLogs(level="INFO") as logs:
            post_comment(self.client, make_article(), email="watched@example.org")
        self.assertIn("watched@example.org", Comment.objects.get().reason)
        self.assertNotIn("watched@example.org", "\n".join(logs.output))

    def test_error_reports_do_not_carry_the_email(self):
        from django.views.debug import SafeExceptionReporterFilter

        article = make_article()
        response = post_comment(self.client, article, email="reported@example.org", name="")
        request = response.wsgi_request
        filtered = SafeExceptionReporterFilter().get_post_parameters(request)
        self.assertNotEqual(filtered["email"], "reported@example.org")
        self.assertEqual(filtered["name"], "")


IMPORTED_EMAILS = ["Imported.Reader@Example.org", "held-imported@example.net", "deep@example.com"]


class ImportedCommentsCrawlTests(TestCase):
    """Commenters imported from WordPress are as private as those who commented here."""

    @classmethod
    def setUpTestData(cls):
        from tests.wordpress.helpers import author, category, comment, export, item, run, tag

        SiteSettings.load()
        run(
            export(
                author("jdoe", "Jane Doe", "author-private@example.org"),
                category("world", "World"),
                tag("peace", "Peace"),
                item(1, slug="imported", title="Imported",
                     terms=[("category", "world", "World"), ("post_tag", "peace", "Peace")],
                     comments=[
                         comment(1, "Top", email=IMPORTED_EMAILS[0], name="Imported Reader"),
                         comment(2, "Held", email=IMPORTED_EMAILS[1], approved="0"),
                         comment(3, "Deep", parent=1, email=IMPORTED_EMAILS[2]),
                         comment(4, "Deeper", parent=3, email=IMPORTED_EMAILS[2]),
                     ]),
            )
        )  # fmt: skip

    def test_no_public_page_or_old_address_shows_an_imported_email(self):
        urls = [
            "/",
            "/articles/imported/",
            "/category/world/",
            "/category/world/feed/",
            "/tag/peace/",
            "/author/jane-doe/",
            "/author/jane-doe/feed/",
            "/archive/2020/1/",
            "/search/?q=Imported",
            "/feed/",
            "/feed/atom/",
            "/feed/comments/",
            "/sitemap.xml",
            # The old WordPress addresses, followed to their new page.
            "/?p=1",
            "/2020/01/01/imported/",
            "/imported/feed/",
            "/comments/feed/",
            "/author/jdoe/",
        ]
        urls += [f"/search/?q={part}" for email in IMPORTED_EMAILS for part in email.split("@")]
        urls += [f"/en{url}" for url in urls if url.startswith(("/articles", "/feed", "/search"))]
        self.assertContains(self.client.get("/en/articles/imported/"), "3 comments")
        for url in urls:
            with self.subTest(url):
                response = self.client.get(url, follow=True)
                self.assertEqual(response.status_code, 200)
                content = response.content.decode()
                for email in [*IMPORTED_EMAILS, "author-private@example.org"]:
                    for trace in traces(email):
                        self.assertNotIn(trace, content)


class CommenterPagesAndEmailsCrawlTests(TestCase):
    """The pages a commenter's links open, and every email a commenter gets, carry no
    other commenter's email or its hash; nor the page's reader's, outside their own mail."""

    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(slug="private-links")
        cls.moderator = make_moderator(email="mod@carnet.example")

    def test_no_page_or_email_shows_another_commenters_email(self):
        site = SiteSettings.load()
        site.comments_trust_confirmed = True
        site.save()
        from comments.notifications import notify_authors

        with self.captureOnCommitCallbacks(execute=True):
            for n, email in enumerate(EMAILS):
                post_comment(
                    self.client,
                    self.article,
                    ip=f"198.51.100.{n + 1}",
                    name=f"Reader {n}",
                    email=email,
                    body=f"Words {n}",
                    notify="on",
                    parent=str(Comment.objects.first().pk) if n else "",
                )
                if not n:
                    Comment.objects.all().approve(by=self.moderator)
        visited = []
        for message in list(mail.outbox):
            for path in re.findall(r"http://testserver(/\S+/)", message.body):
                # Each link in both editions, whichever it was mailed in.
                path = path.removeprefix("/en")
                visited += [path, f"/en{path}"]
        # Each confirmation's button, then the approved reply's notice and its pages.
        with self.captureOnCommitCallbacks(execute=True):
            for message in list(mail.outbox):
                for link in emailed_links(message, "confirm"):
                    path, _, token = link.partition("#")
                    self.client_class().post(path, {"token": token, "confirm": "1"})
            ids = Comment.objects.exclude(parent=None).approve(by=self.moderator)
            notify_authors(self.client.get("/").wsgi_request, ids)
            self.client.post("/comments/manage/", {"email": EMAILS[1]}, REMOTE_ADDR="192.0.2.9")
        for message in mail.outbox:
            for path in re.findall(r"http://testserver(/\S+/)", message.body):
                path = path.removeprefix("/en")
                visited += [path, f"/en{path}"]
        self.assertTrue(any("/unsubscribe/" in path for path in visited))
        # Every page each manage link opens, in the browser that opened it.
        opened = 0
        for message in mail.outbox:
            for link in emailed_links(message, "manage"):
                browser = self.client_class()
                open_link(browser, link)
                pages = ["/comments/manage/mine/", "/en/comments/manage/mine/erase/"]
                owned = Comment.objects.of_commenter(commenter_key_for(message.to[0]))
                for pk in owned.values_list("pk", flat=True):
                    pages += [
                        f"/comments/manage/mine/{pk}/edit/",
                        f"/comments/manage/mine/{pk}/delete/",
                    ]
                for path in pages:
                    response = browser.get(path)
                    self.assertEqual(response.status_code, 200, path)
                    opened += 1
                    for email in set(EMAILS) - set(message.to):
                        for trace in traces(email):
                            self.assertNotIn(trace, response.content.decode())
        self.assertGreater(opened, 6)
        visited += [
            "/comments/manage/",
            "/en/comments/manage/",
            "/articles/private-links/",
            f"/articles/private-links/?reply_to={Comment.objects.last().pk}",
            "/comments/confirm/tampered/",
            "/comments/manage/tampered/",
        ]
        statuses: dict[int, int] = {}
        for path in sorted(set(visited)):
            with self.subTest(path):
                response = self.client_class().get(path)
                self.assertLess(response.status_code, 500)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.get("Content-Type") == "application/json":
                    continue  # the owner's own download
                content = response.content.decode()
                for email in EMAILS:
                    for trace in traces(email):
                        self.assertNotIn(trace, content)
        # Most links opened their page (the used confirmations and tampered ones did not).
        self.assertGreater(statuses[200], 8, statuses)
        self.assertGreater(len(mail.outbox), 4)
        for message in mail.outbox:
            with self.subTest(message.subject, to=message.to):
                text = message.subject + message.body + str(message.extra_headers)
                for email in EMAILS:
                    if [email] == message.to:
                        continue  # the owner's own email
                    for trace in traces(email):
                        self.assertNotIn(trace, text)
