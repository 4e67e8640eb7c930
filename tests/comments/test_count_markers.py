"""Comment counts filled in late (comments/counts.py): a kept fragment holds a marker for
each count it shows, which the page replaces with the label before anyone sees it."""

from unittest import mock

from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client, RequestFactory, TestCase, override_settings

from blog import views
from blog.models import Article
from blog.views import FrontPage
from comments import counts
from comments.models import Comment
from sitewide import fragments, pagecache
from sitewide.models import SiteSettings
from tests.base import make_article, make_category, make_comment, make_editor, make_moderator

MARKER = "carnet:comment-count"


@override_settings(CARNET_FRAGMENT_CACHE=True)
class FilledInTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.world = make_category(slug="world", name="World")
        cls.author = make_editor(slug="ada")
        cls.articles = [
            make_article(slug=f"story-{n}", category=cls.world, author=cls.author, tags=["Peace"])
            for n in range(5)
        ]
        make_article(slug="in-english", language="en", tags=["Peace"], category=cls.world)
        make_comment(article=cls.articles[0], body="Well said.")
        cls.paths = [
            f"{prefix}{path}"
            for prefix in ["", "/en"]
            for path in [
                "/",
                "/category/world/",
                "/tag/peace/",
                "/author/ada/",
                "/search/?q=story",
                *(f"/articles/story-{n}/" for n in range(5)),
                "/feed/",
                "/feed/comments/",
                "/sitemap.xml",
                "/no-such-page/",
            ]
        ] + ["/en/articles/in-english/"]

    def pages(self, client: Client) -> dict[str, bytes]:
        return {path: client.get(path).content for path in self.paths}

    def approve_a_comment_on(self, article: Article) -> None:
        comment = make_comment(article=article, status=Comment.Status.PENDING)
        with self.captureOnCommitCallbacks(execute=True):
            Comment.objects.filter(pk=comment.pk).approve(by=make_moderator())

    def assert_the_same_pages_as_rendered_whole(self, client: Client) -> None:
        cold, kept = self.pages(client), self.pages(client)
        with override_settings(CARNET_FRAGMENT_CACHE=False, CARNET_PAGE_CACHE=False):
            whole = self.pages(Client())
        for path in self.paths:
            with self.subTest(path):
                self.assertNotIn(MARKER.encode(), kept[path])
                self.assertEqual(cold[path], whole[path])
                self.assertEqual(kept[path], whole[path])

    def test_every_page_is_the_page_rendered_whole_kept_or_not(self):
        for page_cache in [True, False]:
            with self.subTest(page_cache=page_cache):
                with override_settings(CARNET_PAGE_CACHE=page_cache):
                    reader = Client()
                    self.assert_the_same_pages_as_rendered_whole(reader)
                    self.approve_a_comment_on(self.articles[1])
                    self.approve_a_comment_on(self.articles[4])
                    self.assert_the_same_pages_as_rendered_whole(reader)

    def test_a_reader_with_a_cookie_gets_the_new_count_from_the_kept_fragments(self):
        reader = Client()
        reader.cookies["carnet_commenter"] = "x"  # answered privately, from fragments
        self.pages(reader)
        self.approve_a_comment_on(self.articles[2])
        with mock.patch.object(fragments.cache, "set") as rendered:
            response = reader.get("/en/category/world/")
        self.assertContains(response, 'href="/en/articles/story-2/#comments">1 comment</a>')
        self.assertEqual(rendered.call_count, 0)

    @override_settings(CARNET_PAGE_CACHE=True)
    def test_an_approval_renders_its_article_and_fills_the_count_in_elsewhere(self):
        reader = Client()
        self.pages(reader)
        self.approve_a_comment_on(self.articles[2])
        showing_its_card = {
            "/category/world/": "1 commentaire",
            "/en/category/world/": "1 comment",
            "/tag/peace/": "1 commentaire",
            "/en/author/ada/": "1 comment",
            "/articles/story-3/": "1 commentaire",  # among its related articles
        }
        with mock.patch("blog.views.render", wraps=views.render) as rendered:
            for path, label in showing_its_card.items():
                with self.subTest(path):
                    response = reader.get(path)
                    self.assertEqual(response["Cache-Status"], "Carnet; hit; detail=refilled")
                    self.assertContains(response, f'/articles/story-2/#comments">{label}</a>')
            self.assertEqual(rendered.call_count, 0)
            # Its own page shows the comment: rendered again.
            response = reader.get("/articles/story-2/")
        self.assertEqual(response["Cache-Status"], "Carnet; fwd=stale; stored")
        self.assertContains(response, '<a href="#comments">1 commentaire</a>')
        self.assertEqual(rendered.call_count, 1)

    def test_a_count_shown_where_it_stands_too_is_left_to_the_render(self):
        article = Article.objects.get(pk=self.articles[0].pk)
        request = RequestFactory().get("/")
        self.assertEqual(counts.shown(request, article), "1 commentaire")  # nothing kept
        response = HttpResponse(f"<p><!--{MARKER}:{article.pk}--></p>")
        counts.fill_in(request, response)
        self.assertEqual(response.content, b"<p>1 commentaire</p>")
        # The page cache could not fill in the count where it stands: no part to fill.
        self.assertEqual(request.filled_late["parts"], [])

    def test_a_kept_fragment_holds_markers_not_counts(self):
        with mock.patch.object(fragments.cache, "set", wraps=fragments.cache.set) as kept:
            Client().get("/en/category/world/")
        lists = [
            call.args[1]
            for call in kept.call_args_list
            if call.args[0].startswith("fragment:article-list:")
        ]
        self.assertEqual(len(lists), 1)
        self.assertIn(f"<!--{MARKER}:{self.articles[0].pk}-->", lists[0]["html"])
        self.assertNotIn("1 comment", lists[0]["html"])
        self.assertNotIn(pagecache.count_of(self.articles[0]), lists[0]["tags"])

    def test_a_preview_shows_its_counts_rendered(self):
        draft = make_article(slug="draft", status=Article.Status.DRAFT, tags=["Peace"])
        editor = Client()
        editor.force_login(draft.author)
        response = editor.get("/articles/draft/")
        self.assertContains(response, "Aperçu")
        self.assertContains(response, '<a href="#comments">Aucun commentaire</a>')
        self.assertNotContains(response, MARKER)

    def test_the_admin_and_a_server_error_show_no_marker(self):
        admin = Client(raise_request_exception=False)
        admin.force_login(make_editor(is_superuser=True))
        self.assertNotContains(admin.get("/admin/", follow=True), MARKER)
        with mock.patch.object(FrontPage, "read", side_effect=RuntimeError):
            response = Client(raise_request_exception=False).get("/en/")
        self.assertEqual(response.status_code, 500)
        self.assertNotContains(response, MARKER, status_code=500)

    def test_a_page_whose_counts_cannot_be_read_answers_503(self):
        reader = Client()
        reader.cookies["carnet_commenter"] = "x"  # answered privately, from fragments
        reader.get("/en/category/world/")
        with mock.patch.object(counts.Article, "comment_counts", side_effect=OperationalError):
            response = reader.get("/en/category/world/")
        self.assertEqual(response.status_code, 503)

    def test_a_marker_typed_by_a_reader_is_left_as_text(self):
        typed = f"&lt;!--{MARKER}:{self.articles[0].pk}--&gt;"
        make_comment(article=self.articles[3], body=f"<!--{MARKER}:1--> {typed}")
        response = Client().get("/en/articles/story-3/")
        self.assertContains(response, typed)
        self.assertNotContains(response, f"<!--{MARKER}")
