import time
from datetime import timedelta

from django.test import RequestFactory, TestCase, override_settings

from comments.forms import issue_token
from comments.models import Comment
from sitewide.http import address_network, client_ip, client_network
from sitewide.models import PostingLimit, SiteSettings
from tests.base import make_article, make_editor
from tests.comments.helpers import post_comment


class HoneypotAndTimingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()

    def test_a_filled_honeypot_is_refused(self):
        response = post_comment(self.client, self.article, subject="Buy now")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Comment.objects.exists())

    def test_a_form_sent_at_once_from_a_cached_page_is_accepted(self):
        # A cached page's form is as old as the copy, not as the reader's visit: there is
        # no minimum age; the flood limit per address stands in for it.
        response = post_comment(self.client, self.article, token=issue_token(self.article))
        self.assertEqual(response.status_code, 303)

    def test_every_reader_gets_the_same_form_stamp_within_the_hour(self):
        hour = time.time() // 3600 * 3600
        self.assertEqual(
            issue_token(self.article, issued_at=hour + 1),
            issue_token(self.article, issued_at=hour + 3599),
        )

    def test_a_form_older_than_a_day_is_refused(self):
        # A day, and the hour its stamp may round down by.
        token = issue_token(self.article, issued_at=time.time() - 25 * 3600 - 5)
        response = post_comment(self.client, self.article, token=token)
        self.assertContains(response, "This form has expired.", status_code=400)
        self.assertFalse(Comment.objects.exists())

    def test_a_token_for_another_article_is_refused(self):
        token = issue_token(make_article(), issued_at=time.time() - 60)
        response = post_comment(self.client, self.article, token=token)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Comment.objects.exists())

    def test_a_tampered_timestamp_is_refused(self):
        token = issue_token(self.article, issued_at=time.time() - 60)
        payload, rest = token.split(":", 1)
        response = post_comment(self.client, self.article, token=payload[:-2] + "xx:" + rest)
        self.assertEqual(response.status_code, 400)


class FloodLimitTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()

    def test_a_second_comment_within_15_seconds_answers_429_with_retry_after(self):
        self.assertEqual(post_comment(self.client, self.article, body="one").status_code, 303)
        response = post_comment(self.client, self.article, body="two")
        self.assertContains(response, "You are commenting too fast.", status_code=429)
        self.assertTrue(1 <= int(response["Retry-After"]) <= 15)
        self.assertEqual(Comment.objects.count(), 1)

    def test_another_address_is_not_limited(self):
        post_comment(self.client, self.article, body="one", ip="198.51.100.1")
        response = post_comment(self.client, self.article, body="two", ip="198.51.100.2")
        self.assertEqual(response.status_code, 303)

    def test_the_limit_lifts_after_the_interval(self):
        post_comment(self.client, self.article, body="one")
        PostingLimit.objects.filter(scope="comments").update(
            last_posted_at=PostingLimit.objects.get(scope="comments").last_posted_at
            - timedelta(seconds=16)
        )
        self.assertEqual(post_comment(self.client, self.article, body="two").status_code, 303)

    def test_the_limit_is_keyed_by_a_hash_never_the_address(self):
        post_comment(self.client, self.article, ip="198.51.100.77")
        key = PostingLimit.objects.get(scope="comments").key
        self.assertNotIn("198.51.100.77", key)
        self.assertEqual(len(key), 64)

    def test_a_forged_forwarded_for_does_not_reset_the_limit(self):
        post_comment(self.client, self.article, body="one", HTTP_X_FORWARDED_FOR="192.0.2.1")
        response = post_comment(
            self.client, self.article, body="two", HTTP_X_FORWARDED_FOR="192.0.2.2"
        )
        self.assertEqual(response.status_code, 429)
        self.assertEqual(Comment.objects.get().ip_address, "203.0.113.7")

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_a_trusted_proxy_only_the_address_it_saw_counts(self):
        # The proxy (REMOTE_ADDR 10.0.0.1) appends the client's address to what it got.
        post_comment(
            self.client, self.article, body="one", ip="10.0.0.1",
            HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.5",
        )  # fmt: skip
        response = post_comment(
            self.client, self.article, body="two", ip="10.0.0.1",
            HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.5",
        )  # fmt: skip
        self.assertEqual(response.status_code, 429)
        response = post_comment(
            self.client, self.article, body="three", ip="10.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.6",
        )  # fmt: skip
        self.assertEqual(response.status_code, 303)
        self.assertEqual(
            sorted(Comment.objects.values_list("ip_address", flat=True)),
            ["198.51.100.5", "198.51.100.6"],
        )

    def test_an_ipv6_client_is_limited_by_its_64(self):
        post_comment(self.client, self.article, body="one", ip="2001:db8:1:2::1")
        response = post_comment(
            self.client, self.article, body="two", ip="2001:db8:1:2:ffff:ffff:ffff:fffe"
        )
        self.assertEqual(response.status_code, 429)
        response = post_comment(self.client, self.article, body="three", ip="2001:db8:1:3::1")
        self.assertEqual(response.status_code, 303)

    @override_settings(COMMENTS_FLOOD_SECONDS=0)
    def test_the_limit_can_be_turned_off(self):
        post_comment(self.client, self.article, body="one")
        self.assertEqual(post_comment(self.client, self.article, body="two").status_code, 303)

    def test_staff_are_not_limited(self):
        self.client.force_login(make_editor())
        post_comment(self.client, self.article, body="one")
        self.assertEqual(post_comment(self.client, self.article, body="two").status_code, 303)


class ClientIpTests(TestCase):
    def ip(self, **meta) -> str | None:
        return client_ip(RequestFactory().get("/", **meta))

    def test_it_uses_remote_addr_by_default(self):
        self.assertEqual(
            self.ip(REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="192.0.2.1"), "198.51.100.1"
        )

    @override_settings(TRUSTED_PROXY_COUNT=2)
    def test_it_counts_trusted_proxies_from_the_right(self):
        self.assertEqual(
            self.ip(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7, 10.0.0.1"),
            "192.0.2.7",
        )

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_a_garbage_header_falls_back_to_remote_addr(self):
        self.assertEqual(
            self.ip(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-ip"), "10.0.0.2"
        )
        self.assertEqual(self.ip(REMOTE_ADDR="10.0.0.2"), "10.0.0.2")


class ContentRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()
        site = SiteSettings.load()
        site.comment_hold_words = "casino\nfree money\n"
        site.comment_refuse_words = "viagra"
        site.save()

    def stored(self, **overrides) -> Comment:
        response = post_comment(self.client, self.article, **overrides)
        self.assertEqual(response.status_code, 303)
        return Comment.objects.latest("pk")

    def test_a_plain_comment_waits_without_a_reason(self):
        comment = self.stored()
        self.assertEqual((comment.status, comment.reason), ("pending", ""))

    def test_more_than_two_links_holds_with_the_reason(self):
        body = "See https://a.example, http://b.example and www.c.example"
        comment = self.stored(body=body)
        self.assertEqual(comment.status, "pending")
        self.assertIn("3", comment.reason)
        self.assertIn("2", comment.reason)

    def test_two_links_are_fine(self):
        comment = self.stored(body="See https://a.example and https://b.example")
        self.assertEqual(comment.reason, "")

    @override_settings(COMMENTS_MAX_LINKS=0)
    def test_the_link_limit_is_a_setting(self):
        self.assertNotEqual(self.stored(body="https://a.example").reason, "")

    def test_hold_words_are_matched_on_each_field_with_the_reason(self):
        cases = {
            "name": {"name": "Casino King"},
            "email": {"email": "casino@example.org"},
            "website": {"website": "https://casino.example"},
            "body": {"body": "Get FREE MONEY now"},
        }
        for n, (field, overrides) in enumerate(cases.items()):
            with self.subTest(field):
                overrides.setdefault("body", f"Comment {n}")
                comment = self.stored(ip=f"198.51.100.{n + 1}", **overrides)
                self.assertEqual(comment.status, "pending")
                self.assertIn(field, comment.reason)

    def test_refuse_words_file_the_comment_as_spam_with_the_reason(self):
        comment = self.stored(body="Cheap VIAGRA here")
        self.assertEqual(comment.status, Comment.Status.SPAM)
        self.assertIn("viagra", comment.reason)
        self.assertIn("body", comment.reason)
        # The poster is not told, and does not see it as awaiting moderation.
        self.assertNotContains(self.client.get(self.article.get_absolute_url()), "Cheap VIAGRA")

    def test_a_long_hold_word_still_fits_the_reason(self):
        site = SiteSettings.load()
        site.comment_hold_words = "x" * 300
        site.save()
        comment = self.stored(body="x" * 300)
        self.assertEqual(comment.status, "pending")
        self.assertEqual(len(comment.reason), 200)

    def test_words_match_whole_words_only(self):
        self.assertEqual(self.stored(body="The casinos of Monaco").reason, "")

    def test_staff_comments_skip_the_content_rules(self):
        self.client.force_login(make_editor())
        comment = self.stored(body="About viagra regulation")
        self.assertEqual(comment.status, Comment.Status.APPROVED)


class ClientNetworkTests(TestCase):
    def test_an_ipv4_address_is_itself(self):
        self.assertEqual(address_network("198.51.100.1"), "198.51.100.1")

    def test_an_ipv6_address_is_its_64(self):
        for address in ["2001:db8:1:2::1", "2001:DB8:1:2:abcd:ef01:2345:6789"]:
            with self.subTest(address):
                self.assertEqual(address_network(address), "2001:db8:1:2::")

    def test_an_ipv4_mapped_ipv6_address_is_the_ipv4_one(self):
        self.assertEqual(address_network("::ffff:198.51.100.1"), "198.51.100.1")

    def test_no_address_is_none(self):
        self.assertIsNone(address_network(None))

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_the_request_s_network_follows_the_trusted_proxy_rule(self):
        request = RequestFactory().get(
            "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="2001:db8::1, 2001:db8:5:6::7"
        )
        self.assertEqual(client_network(request), "2001:db8:5:6::")
