import datetime

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.test import Client, RequestFactory, TestCase
from django.utils import timezone

from blog.models import Article
from comments.models import Comment
from comments.views import post_comment as post_comment_view
from pages.models import footer_links
from sitewide.models import SiteSettings
from tests.base import make_article, make_comment, make_draft, make_editor, make_scheduled
from tests.comments.helpers import comment_data, post_comment


class ArticlePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(slug="commented")

    def test_it_says_no_comments_when_there_are_none(self):
        response = self.client.get("/en/articles/commented/")
        self.assertContains(response, '<h2 id="comments-title">No comments</h2>', html=True)

    def test_the_count_and_the_list_agree(self):
        make_comment(article=self.article, name="pascal", body="N’importe quoi.")
        make_comment(article=self.article, body="Waiting", status=Comment.Status.PENDING)
        make_comment(article=self.article, body="Junk", status=Comment.Status.SPAM)
        make_comment(article=self.article, body="No way", status=Comment.Status.REJECTED)
        response = self.client.get("/en/articles/commented/")
        self.assertContains(response, '<h2 id="comments-title">1 comment</h2>', html=True)
        self.assertContains(response, "N’importe quoi.")
        self.assertContains(response, "pascal")
        for hidden in ["Waiting", "Junk", "No way"]:
            self.assertNotContains(response, hidden)

    def test_a_comments_time_is_worded_as_the_storys_in_each_edition(self):
        comment = make_comment(article=self.article)
        Comment.objects.filter(pk=comment.pk).update(
            submitted_at=datetime.datetime(2026, 12, 6, 9, 36, tzinfo=datetime.UTC)
        )
        self.assertContains(
            self.client.get("/articles/commented/"),
            '<time datetime="2026-12-06T10:36:00+01:00">'
            "6 décembre 2026 à 10\u00a0h\u00a036</time>",
        )
        self.assertContains(
            self.client.get("/en/articles/commented/"),
            '<time datetime="2026-12-06T10:36:00+01:00">December 6, 2026, 10:36</time>',
        )

    def test_replies_are_counted_and_shown_under_their_comment(self):
        top = make_comment(article=self.article, body="Top level")
        make_comment(article=self.article, parent=top, body="A reply")
        response = self.client.get("/en/articles/commented/")
        self.assertContains(response, '<h2 id="comments-title">2 comments</h2>', html=True)
        self.assertContains(response, 'class="comment-list comment-list--replies"')
        content = response.content.decode()
        self.assertLess(content.index("Top level"), content.index("A reply"))

    def test_the_form_has_the_named_fields_labels_and_the_privacy_note(self):
        response = self.client.get("/en/articles/commented/")
        for name in ["name", "email", "website", "body"]:
            self.assertContains(response, f'name="{name}"')
            self.assertContains(response, f'<label for="id_{name}">')
        self.assertContains(
            response,
            "Your email address will not be published. Required fields are marked *",
        )
        self.assertContains(response, 'action="/en/articles/commented/comment/"')

    def test_the_blank_forms_fields_are_in_the_pages_language_and_filled_in_for_staff(self):
        # The blank fields are rendered once per language and process: another
        # edition's, or a form filled in for a signed-in editor, is not that copy.
        self.assertContains(self.client.get("/articles/commented/"), '<label for="id_name">Nom')
        make_article(slug="other")
        self.assertContains(self.client.get("/en/articles/other/"), '<label for="id_name">Name')
        self.client.force_login(make_editor(display_name="Houssen Moshinaly"))
        response = self.client.get("/en/articles/other/")
        self.assertContains(response, 'value="Houssen Moshinaly"')
        self.assertContains(response, 'name="csrfmiddlewaretoken"')

    def test_a_reply_link_opens_the_form_for_that_comment_without_javascript(self):
        comment = make_comment(article=self.article, name="Léa")
        response = self.client.get("/en/articles/commented/")
        self.assertContains(response, f'href="?reply_to={comment.pk}#comment-form"')
        response = self.client.get(f"/en/articles/commented/?reply_to={comment.pk}")
        self.assertContains(response, f'<input type="hidden" name="parent" value="{comment.pk}">')
        self.assertContains(response, "Reply to Léa")

    def test_a_reply_link_to_a_hidden_comment_opens_a_plain_form(self):
        comment = make_comment(article=self.article, status=Comment.Status.PENDING)
        response = self.client.get(f"/en/articles/commented/?reply_to={comment.pk}")
        self.assertNotContains(response, 'name="parent"')

    def test_a_malformed_reply_link_opens_a_plain_form(self):
        make_comment(article=self.article)
        for value in ["%C2%B2", "9" * 5000, "-1", "1.5", "abc"]:
            with self.subTest(value=value[:10]):
                response = self.client.get(f"/en/articles/commented/?reply_to={value}")
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, 'name="parent"')

    def test_a_closed_article_shows_no_form(self):
        article = make_article(slug="closed", comments_open=False)
        make_comment(article=article, body="Still shown")
        response = self.client.get("/en/articles/closed/")
        self.assertContains(response, "Comments are closed.")
        self.assertContains(response, "Still shown")
        self.assertNotContains(response, 'id="comment-form"')

    def test_avatars_are_initials_and_never_a_gravatar(self):
        make_comment(article=self.article, name="Jean Dupont", email="jean@example.org")
        response = self.client.get("/en/articles/commented/")
        self.assertContains(response, ">JD</span>")
        self.assertNotContains(response, "gravatar")


class ArticleQueryBudgetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()

    def test_the_article_pages_queries_do_not_grow_with_its_comments(self):
        make_article(slug="related", tags=["One"])  # so that every page ranks related articles
        for count in [0, 1, 200]:
            with self.subTest(comments=count):
                article = make_article(slug=f"budget-{count}", tags=["One", "Two"])
                tops = [
                    make_comment(article=article, submitted_at=timezone.now())
                    for _ in range(count // 2 or count)
                ]
                for top in tops[: count - len(tops)]:
                    make_comment(article=article, parent=top)
                # 1. the article with its author and category
                # 2. its tags, 3. its correction notices
                # 4. the previous article, 5. the next article, 6. the articles sharing a
                # tag, 7. those ranked as related articles, 8. the categories of the menu,
                # 9. the page's threads, counted, 10. their comments with their replies
                # (none without a thread; the site settings and the footer's pages come
                # from the cache)
                cache.clear()  # rendered whole: nothing kept from the read before
                SiteSettings.load()
                footer_links()
                with self.assertNumQueries(10 if count else 9):
                    response = self.client.get(f"/en/articles/budget-{count}/")
                self.assertEqual(response.status_code, 200)
                self.assertEqual(article.comments.approved().count(), count)


class ListingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()

    def test_home_cards_show_the_approved_comment_count_without_extra_queries(self):
        article = make_article(slug="talked-about")
        make_comment(article=article)
        make_comment(article=article)
        make_comment(article=article, status=Comment.Status.PENDING)
        make_article(slug="quiet")
        # 1. the pinned English lead story (none), 2. the newest English one (none), 3. the
        # newest in any language, 4. the latest English articles, 5. the categories of the
        # menu (none, so no section to read), 6. the newest in French, all with author,
        # category and comment counts (the site settings and the footer's pages come from
        # the cache)
        SiteSettings.load()
        footer_links()
        with self.assertNumQueries(6):
            response = self.client.get("/en/")
        self.assertContains(response, "2 comments")
        self.assertContains(response, "No comments")
        for _ in range(5):
            make_comment(article=make_article())
        with self.assertNumQueries(6):
            response = self.client.get("/en/")
        self.assertContains(response, "1 comment<")


class PostCommentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(slug="open")
        cls.other = make_article(slug="other")

    def test_it_stores_a_pending_comment_and_redirects_back_with_a_message(self):
        response = post_comment(self.client, self.article, name="Camille")
        comment = Comment.objects.get()
        self.assertEqual(response.status_code, 303)
        self.assertEqual(response["Location"], f"/en/articles/open/#comment-{comment.pk}")
        self.assertEqual(comment.status, Comment.Status.PENDING)
        self.assertEqual(comment.name, "Camille")
        self.assertEqual(comment.ip_address, "203.0.113.7")
        self.assertEqual(comment.user_agent, "TestBrowser/1.0")
        messages = [str(m) for m in get_messages(response.wsgi_request)]
        self.assertEqual(
            messages,
            [
                "Thank you! Your comment awaits moderation; only you can see it for now. "
                "Check your mail: we sent you a link to confirm your address."
            ],
        )

    def test_the_poster_sees_their_pending_comment_and_nobody_else_does(self):
        post_comment(self.client, self.article, body="My own words")
        response = self.client.get("/en/articles/open/")
        self.assertContains(response, "My own words")
        self.assertContains(response, "Your comment is awaiting moderation.")
        self.assertContains(response, '<h2 id="comments-title">No comments</h2>', html=True)
        stranger = Client(HTTP_ACCEPT_LANGUAGE="en")
        self.assertNotContains(stranger.get("/en/articles/open/"), "My own words")

    def test_get_is_not_allowed(self):
        response = self.client.get("/en/articles/open/comment/")
        self.assertEqual(response.status_code, 405)

    def test_a_cross_site_post_is_refused(self):
        client = Client(enforce_csrf_checks=True)
        for headers in [
            {"HTTP_SEC_FETCH_SITE": "cross-site"},
            {"HTTP_ORIGIN": "https://evil.example"},
        ]:
            with self.subTest(headers=headers):
                response = post_comment(client, self.article, **headers)
                self.assertEqual(response.status_code, 403)
        self.assertFalse(Comment.objects.exists())

    def test_a_same_origin_post_needs_no_token(self):
        client = Client(enforce_csrf_checks=True)
        response = post_comment(client, self.article, HTTP_SEC_FETCH_SITE="same-origin")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(Comment.objects.count(), 1)

    def test_a_signed_in_reader_keeps_the_csrf_token_check(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(make_editor())
        response = post_comment(client, self.article, HTTP_SEC_FETCH_SITE="same-origin")
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Comment.objects.exists())

    def test_fields_the_form_does_not_have_are_ignored(self):
        post_comment(self.client, self.article, status="approved", article=self.other.pk)
        comment = Comment.objects.get()
        self.assertEqual((comment.status, comment.article), ("pending", self.article))

    def test_the_view_hides_the_email_from_error_reports(self):
        request = RequestFactory().post("/en/articles/open/comment/", {"email": "x@example.org"})
        request.user = make_editor()
        request.session = self.client.session
        post_comment_view(request, slug="open")
        self.assertEqual(request.sensitive_post_parameters, ("email",))

    def test_an_invalid_form_comes_back_with_errors_next_to_fields_and_input_kept(self):
        response = post_comment(
            self.client, self.article, name="Camille", email="not-an-email", body="Kept text"
        )
        self.assertEqual(response.status_code, 400)
        self.assertTemplateUsed(response, "blog/article.html")
        self.assertContains(response, 'id="id_email_error"', status_code=400)
        self.assertContains(response, 'value="Camille"', status_code=400)
        self.assertContains(response, "Kept text", status_code=400)
        self.assertFalse(Comment.objects.exists())

    def test_errors_are_listed_in_the_order_of_the_fields_on_the_page(self):
        response = post_comment(self.client, self.article, name="", email="", body="")
        self.assertEqual(list(response.context["comment_form"].errors), ["body", "name", "email"])

    def test_refusals_answer_4xx_and_store_nothing(self):
        cases = {
            "missing name": {"name": ""},
            "missing email": {"email": ""},
            "missing body": {"body": ""},
            "invalid email": {"email": "camille@"},
            "email with a line break": {"email": "camille@example.org\nBcc: x@example.org"},
            "email with a carriage return": {"email": "camille@example.org\r"},
            "body over 5000 characters": {"body": "a" * 5001},
            "name over 100 characters": {"name": "n" * 101},
            "NUL byte in the body": {"body": "hello\x00world"},
            "NUL byte in the name": {"name": "Ca\x00mille"},
            "control character in the body": {"body": "bell\x07"},
            "control character in the name": {"name": "Ca\x1bmille"},
            "javascript website": {"website": "javascript:alert(1)"},
            "missing token": {"token": ""},
            "forged token": {"token": "abc:def"},
            "reply to a comment on another article": {
                "parent": make_comment(article=self.other).pk
            },
            "reply to a pending comment": {
                "parent": make_comment(article=self.article, status="pending").pk
            },
            "reply to a nonsense id": {"parent": "x"},
            "reply to an id too big for the database": {"parent": "9" * 30},
        }
        before = Comment.objects.count()
        for label, overrides in cases.items():
            with self.subTest(label):
                response = post_comment(self.client, self.article, **overrides)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(Comment.objects.count(), before)

    def test_drafts_and_scheduled_articles_answer_404(self):
        for article in [make_draft(), make_scheduled()]:
            with self.subTest(article.status):
                self.assertEqual(post_comment(self.client, article).status_code, 404)
        self.assertFalse(Comment.objects.exists())

    def test_an_unknown_article_answers_404(self):
        response = self.client.post("/en/articles/nope/comment/", {})
        self.assertEqual(response.status_code, 404)

    def test_closed_comments_answer_403_with_a_message(self):
        article = make_article(comments_open=False)
        response = post_comment(self.client, article)
        self.assertContains(response, "Comments are closed on this article.", status_code=403)
        self.assertFalse(Comment.objects.exists())

    def test_articles_past_the_auto_close_age_answer_403(self):
        site = SiteSettings.load()
        site.comments_close_after_days = 30
        site.save()
        old = make_article(published_at=timezone.now() - datetime.timedelta(days=31))
        self.assertEqual(post_comment(self.client, old).status_code, 403)
        young = make_article(published_at=timezone.now() - datetime.timedelta(days=29))
        self.assertEqual(post_comment(self.client, young).status_code, 303)

    def test_the_same_body_from_the_same_email_within_ten_minutes_is_refused(self):
        post_comment(self.client, self.article, body="Same words", ip="198.51.100.1")
        response = post_comment(
            self.client,
            self.other,
            body="Same words",
            email="CAMILLE@example.org",
            ip="198.51.100.2",
        )
        self.assertContains(response, "You have already sent this comment.", status_code=409)
        self.assertContains(response, "Same words", status_code=409)
        self.assertEqual(Comment.objects.count(), 1)
        Comment.objects.update(submitted_at=timezone.now() - datetime.timedelta(minutes=11))
        response = post_comment(self.client, self.other, body="Same words", ip="198.51.100.3")
        self.assertEqual(response.status_code, 303)

    def test_a_replayed_form_stores_one_comment_and_the_repeat_answers_409(self):
        data = comment_data(self.article)
        first = self.client.post("/en/articles/open/comment/", data, REMOTE_ADDR="198.51.100.1")
        again = self.client.post("/en/articles/open/comment/", data, REMOTE_ADDR="198.51.100.2")
        same_ip = self.client.post("/en/articles/open/comment/", data, REMOTE_ADDR="198.51.100.1")
        self.assertEqual(first.status_code, 303)
        self.assertEqual(again.status_code, 409)
        self.assertEqual(same_ip.status_code, 409)
        self.assertEqual(Comment.objects.count(), 1)

    def test_a_reply_to_a_reply_joins_the_thread(self):
        top = make_comment(article=self.article)
        reply = make_comment(article=self.article, parent=top)
        post_comment(self.client, self.article, parent=reply.pk)
        self.assertEqual(Comment.objects.latest("pk").parent, top)

    def test_a_staff_comment_is_approved_at_once(self):
        editor = make_editor()
        self.client.force_login(editor)
        response = post_comment(self.client, self.article, body="From the newsroom")
        comment = Comment.objects.get()
        self.assertEqual(comment.status, Comment.Status.APPROVED)
        self.assertEqual(comment.moderated_by, editor)
        self.assertEqual(response["Location"], f"/en/articles/open/#comment-{comment.pk}")
        self.assertContains(self.client.get("/en/articles/open/"), "From the newsroom")

    def test_a_logged_in_non_staff_user_still_waits(self):
        from tests.base import make_user

        self.client.force_login(make_user())
        post_comment(self.client, self.article)
        self.assertEqual(Comment.objects.get().status, Comment.Status.PENDING)

    def test_the_form_on_the_page_can_be_posted(self):
        page = self.client.get("/en/articles/open/")
        token = page.content.decode().split('name="token" value="')[1].split('"')[0]
        response = post_comment(self.client, self.article, token=token)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(Article.objects.get(pk=self.article.pk).comments.count(), 1)
