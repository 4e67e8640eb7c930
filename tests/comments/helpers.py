"""Posting comments the way a browser does, with a form stamp shown a minute ago."""

import re
import time

from comments.forms import issue_token


def comment_data(article, /, **overrides) -> dict:
    """A valid comment form for the article, as a reader would send it."""
    return {
        "name": "Camille",
        "email": "camille@example.org",
        "website": "",
        "body": "A thoughtful remark.",
        "subject": "",
        "token": issue_token(article, issued_at=time.time() - 60),
        **overrides,
    }


def post_comment(client, article, /, ip: str = "203.0.113.7", **overrides):
    """POST the form; overrides named HTTP_* are request headers, the others form fields."""
    headers = {key: overrides.pop(key) for key in list(overrides) if key.startswith("HTTP_")}
    headers.setdefault("HTTP_USER_AGENT", "TestBrowser/1.0")
    # Tests read the English source strings: the English address, whatever the site's.
    return client.post(
        f"/en/articles/{article.slug}/comment/",
        comment_data(article, **overrides),
        REMOTE_ADDR=ip,
        **headers,
    )


def emailed_links(message, kind: str) -> list[str]:
    """The links of that kind (confirm, manage, unsubscribe) in an email, as written."""
    return re.findall(rf"https?://[^/\s]+(/(?:en/)?comments/{kind}/\S*)", message.body)


def open_link(client, link: str, **extra):
    """Open an emailed link as a browser does with carnet.js: load the page (the part
    before "#", all a server ever sees), then post the secret after the "#"."""
    path, _, secret = link.partition("#")
    if not secret:  # a link that keeps its token in the path
        return client.get(path, **extra)
    client.get(path, **extra)
    return client.post(path, {"token": secret}, **extra)
