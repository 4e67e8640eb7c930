"""A subscriber's address is never on a public page, in a URL or in the cache: a reader
signs up, confirms, manages and leaves, and nothing kept or shown holds the address."""

import re
from urllib.parse import quote

from django.core import mail
from django.core.cache import cache
from django.test import Client, TestCase

from newsletter import sending
from newsletter.models import Issue, Subscriber, normalize_email
from sitewide.models import PostingLimit
from tests.base import make_article
from tests.comments.test_privacy import traces

EMAIL = "Very.Private+news@Example.org"


class AddressNeverKeptTests(TestCase):
    def test_no_page_url_or_cache_entry_holds_the_address(self):
        article = make_article(slug="lue")
        reader = Client()
        pages = [article.get_absolute_url(), "/", "/en/", "/newsletter/", "/en/newsletter/"]
        for url in pages:
            reader.get(url)  # kept by the page cache, form included
        with self.captureOnCommitCallbacks(execute=True):
            response = reader.post(
                "/newsletter/", {"email": EMAIL, "rhythm": "each"}, HTTP_REFERER="/articles/lue/"
            )
        shown = [response["Location"]]
        confirm = re.search(r"http://testserver(/\S+)", mail.outbox[0].body)[1]
        subscriber = Subscriber.objects.get()
        visited = [
            "/newsletter/sent/",
            confirm,
            subscriber.manage_url(),
            subscriber.unsubscribe_url(),
            f"{subscriber.manage_url()}erase/",
        ]
        reader.post(confirm)
        for url in pages + visited:
            page = reader.get(url)
            shown += [url, page.content.decode(), str(page.headers)]
        reader.post(subscriber.unsubscribe_url())
        kept = b"".join(key.encode() + value for key, value in cache._cache.items())
        self.assertIn(b"page", kept)  # the pages were kept
        stored = normalize_email(EMAIL)  # Very.Private+news@example.org
        for trace in [*traces(EMAIL), stored, quote(EMAIL), quote(stored), quote(EMAIL.lower())]:
            with self.subTest(trace=trace):
                self.assertNotIn(trace.encode(), kept)
                for text in shown:
                    self.assertNotIn(trace, text)


class AddressInNoHeaderButToTests(TestCase):
    def test_each_mail_names_the_subscriber_in_its_to_header_only(self):
        """The confirmation, the "already subscribed" answer and an issue's copy: the
        address is the To header's, and in no other header (Message-ID, List-*)."""
        sign_up = {"email": EMAIL, "rhythm": "each"}
        with self.captureOnCommitCallbacks(execute=True):
            Client().post("/newsletter/", sign_up)
        subscriber = Subscriber.objects.get()
        subscriber.confirm()
        PostingLimit.objects.all().delete()  # ten minutes later
        with self.captureOnCommitCallbacks(execute=True):
            Client().post("/newsletter/", sign_up)
        issue = Issue.objects.create(article=make_article(slug="envoyee"), language="fr")
        copy = sending.copy_for(issue, subscriber, sending.issue_context(issue))
        messages = [*mail.outbox, copy]
        self.assertEqual(len(messages), 3)
        stored = normalize_email(EMAIL)
        for message in messages:
            parsed = message.message()
            with self.subTest(subject=parsed["Subject"]):
                self.assertEqual(parsed["To"], stored)
                others = "\n".join(f"{k}: {v}" for k, v in parsed.items() if k != "To")
                for trace in [*traces(EMAIL), stored, quote(stored)]:
                    self.assertNotIn(trace.lower(), others.lower())
