"""sitewide.embeds: which addresses become embeds, the one markup readers get, what the
providers are asked for, and the policy that lets their players in."""

import urllib.error
from unittest import mock

from django.test import SimpleTestCase, TestCase, override_settings
from django.utils import translation

from sitewide import embeds
from tests.base import make_article

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
UUID = "9c9de5e8-0a1e-484a-b099-e80766180a6d"

# (address pasted, page readers are linked to, player framed after the click)
VIDEOS = [
    (YOUTUBE, YOUTUBE, "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"),
    ("https://youtu.be/dQw4w9WgXcQ", YOUTUBE,
     "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"),
    ("https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=share", YOUTUBE,
     "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"),
    ("https://www.youtube.com/shorts/dQw4w9WgXcQ", YOUTUBE,
     "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"),
    ("https://www.youtube.com/embed/dQw4w9WgXcQ?si=tracking", YOUTUBE,
     "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"),
    ("http://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", YOUTUBE,
     "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"),
    ("https://youtu.be/dQw4w9WgXcQ?t=1m30s", f"{YOUTUBE}&t=90s",
     "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&start=90"),
    ("https://vimeo.com/76979871", "https://vimeo.com/76979871",
     "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1"),
    ("https://player.vimeo.com/video/76979871?h=8272103f6e", "https://vimeo.com/76979871/8272103f6e",
     "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1&h=8272103f6e"),
    ("https://vimeo.com/channels/staffpicks/76979871", "https://vimeo.com/76979871",
     "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1"),
    ("https://www.dailymotion.com/video/x8abc12", "https://www.dailymotion.com/video/x8abc12",
     "https://geo.dailymotion.com/player.html?video=x8abc12&autoplay=1"),
    ("https://dai.ly/x8abc12", "https://www.dailymotion.com/video/x8abc12",
     "https://geo.dailymotion.com/player.html?video=x8abc12&autoplay=1"),
    (f"https://framatube.org/videos/watch/{UUID}", f"https://framatube.org/w/{UUID}",
     f"https://framatube.org/videos/embed/{UUID}?autoplay=1&p2p=0"),
    ("https://framatube.org/w/kkGMgK9ZtnKfYAgnEtQxbv", "https://framatube.org/w/kkGMgK9ZtnKfYAgnEtQxbv",
     "https://framatube.org/videos/embed/kkGMgK9ZtnKfYAgnEtQxbv?autoplay=1&p2p=0"),
]  # fmt: skip

# (address pasted, post readers are linked to, author until someone says better)
POSTS = [
    ("https://mastodon.social/@Gargron/113476435468125000",
     "https://mastodon.social/@Gargron/113476435468125000", "@Gargron@mastodon.social"),
    ("https://piaille.fr/users/lea/statuses/1234", "https://piaille.fr/@lea/1234",
     "@lea@piaille.fr"),
    ("https://twitter.com/nasa/status/1800000000000000000?s=20",
     "https://x.com/nasa/status/1800000000000000000", "@nasa"),
    ("https://x.com/nasa/status/1800000000000000000", "https://x.com/nasa/status/1800000000000000000",
     "@nasa"),
]  # fmt: skip

NOT_EMBEDS = [
    "",
    "not an address",
    "https://www.youtube.com/",
    "https://www.youtube.com/watch?v=short",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ<",
    "https://www.youtube.com/@channel",
    "https://evil.example/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
    "https://evil.example/?u=https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com@evil.example/watch?v=dQw4w9WgXcQ",
    "https://user:pass@www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com:8443/watch?v=dQw4w9WgXcQ",
    "javascript:alert(1)//https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "javascript://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "data:text/html,https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "//www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ\nhttps://evil.example/",
    "https://vimeo.com/about",
    "https://vimeo.com/76979871/not-a-hash",
    f"https://peertube.evil.example/videos/watch/{UUID}",
    "https://framatube.org/videos/watch/not-an-id",
    "https://x.com/nasa",
    "https://x.com/nasa/status/abc",
    "https://mastodon.social/@Gargron",
    "https://127.0.0.1/@admin/1",
    "https://localhost/@admin/1",
    "https://medium.com/@writer/a-story-1a2b3c",
    "https://www.youtube.com/watch?v=" + "a" * 3000,
]


class RecogniseTests(SimpleTestCase):
    def test_video_addresses_in_their_usual_shapes(self):
        for pasted, url, player in VIDEOS:
            with self.subTest(pasted):
                found = embeds.recognise(pasted)
                self.assertEqual((found.kind, found.url, found.player), ("video", url, player))

    def test_post_addresses(self):
        for pasted, url, author in POSTS:
            with self.subTest(pasted):
                found = embeds.recognise(pasted)
                self.assertEqual((found.kind, found.url, found.author), ("post", url, author))

    def test_anything_else_is_no_embed(self):
        for address in NOT_EMBEDS:
            with self.subTest(address):
                self.assertIsNone(embeds.recognise(address))

    @override_settings(EMBED_PEERTUBE_HOSTS=["tube.example.org"])
    def test_peertube_videos_come_from_the_servers_allowed(self):
        self.assertIsNone(embeds.recognise(f"https://framatube.org/w/{UUID}"))
        self.assertEqual(
            embeds.recognise(f"https://tube.example.org/w/{UUID}").player,
            f"https://tube.example.org/videos/embed/{UUID}?autoplay=1&p2p=0",
        )

    def test_details_are_plain_text_cut_to_size(self):
        found = embeds.recognise(YOUTUBE).with_details(
            title="  A\n title " + "x" * 400, text="one\r\n\r\n\r\n two  lines\n\n"
        )
        self.assertTrue(found.title.startswith("A title x"))
        self.assertEqual(len(found.title), embeds.TITLE_MAX)
        self.assertEqual(found.text, "one\n\ntwo lines")


class MarkupTests(SimpleTestCase):
    """The markup is the contract between the sanitiser, the page's script and its
    stylesheet: pinned here, character for character."""

    def test_a_video_is_a_facade_with_its_title_and_nothing_of_the_provider(self):
        with translation.override("en"):
            html = embeds.recognise(YOUTUBE).with_details(title='Les "Alpes" & <co>').html()
        self.assertEqual(
            html,
            '<figure class="embed embed--video" data-embed-url="https://www.youtube.com/watch?v='
            'dQw4w9WgXcQ" data-embed-title="Les &quot;Alpes&quot; &amp; &lt;co&gt;">'
            '<a class="embed__facade" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ" '
            'data-embed-player="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1">'
            '<span class="embed__title">Les &quot;Alpes&quot; &amp; &lt;co&gt;</span>'
            '<span class="embed__play">Play the video</span>'
            '<span class="embed__notice">YouTube: nothing is loaded from it before you click.'
            "</span></a></figure>",
        )

    def test_a_video_without_a_title_says_where_it_plays(self):
        with translation.override("fr"):
            html = embeds.recognise("https://vimeo.com/76979871").html()
        self.assertIn('<span class="embed__title">Vidéo sur Vimeo</span>', html)
        self.assertIn("Lire la vidéo", html)

    def test_a_post_is_a_quoted_card(self):
        with translation.override("en"):
            html = (
                embeds.recognise(POSTS[0][0])
                .with_details(author="Eugen <Rochko>", text="Hello\n\nworld & co")
                .html()
            )
        self.assertEqual(
            html,
            '<figure class="embed embed--post" data-embed-url="https://mastodon.social/@Gargron/'
            '113476435468125000" data-embed-author="Eugen &lt;Rochko&gt;">'
            '<blockquote cite="https://mastodon.social/@Gargron/113476435468125000">'
            "<p>Hello</p><p>world &amp; co</p></blockquote>"
            '<figcaption><span class="embed__author">Eugen &lt;Rochko&gt;</span> '
            '<a href="https://mastodon.social/@Gargron/113476435468125000">Open the post '
            "(Mastodon)</a></figcaption></figure>",
        )


def answers(data: dict | Exception):
    """embeds.fetch_json answering data (or failing) for every address asked."""
    asked: list[str] = []

    def fetch(url: str) -> dict:
        asked.append(url)
        if isinstance(data, Exception):
            raise data
        return data

    return mock.patch.object(embeds, "fetch_json", side_effect=fetch), asked


@override_settings(EMBED_LOOKUPS=True)
class LookupTests(SimpleTestCase):
    def test_a_videos_title_comes_from_its_providers_oembed(self):
        patch, asked = answers({"title": "Never Gonna Give You Up", "html": "<iframe>"})
        with patch:
            found = embeds.lookup(embeds.recognise("https://youtu.be/dQw4w9WgXcQ"))
        self.assertEqual(found.title, "Never Gonna Give You Up")
        self.assertEqual(
            asked,
            [
                "https://www.youtube.com/oembed?url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3D"
                "dQw4w9WgXcQ&format=json&omit_script=1"
            ],
        )

    def test_an_x_posts_text_and_author_come_from_its_oembed_html(self):
        patch, asked = answers(
            {
                "author_name": "NASA",
                "html": '<blockquote class="twitter-tweet"><p lang="en">Liftoff!<br>Go &amp; '
                'see</p>&mdash; NASA (@NASA) <a href="https://twitter.com/x">June 1</a>'
                "</blockquote><p>not the post</p>",
            }
        )
        with patch:
            found = embeds.lookup(embeds.recognise(POSTS[3][0]))
        self.assertEqual((found.author, found.text), ("NASA", "Liftoff! Go & see"))
        self.assertTrue(asked[0].startswith("https://publish.twitter.com/oembed?url="))

    def test_a_mastodon_post_comes_from_its_servers_api_when_it_is_public(self):
        patch, asked = answers(
            {
                "content": "<p>Bonjour <a href='x'>#tous</a></p><p>Deux</p>",
                "account": {"display_name": "Eugen", "acct": "Gargron"},
            }
        )
        with patch, mock.patch.object(embeds, "_is_public_host", return_value=True):
            found = embeds.lookup(embeds.recognise(POSTS[0][0]))
        self.assertEqual(found.author, "Eugen (@Gargron@mastodon.social)")
        self.assertEqual(found.text, "Bonjour #tous\n\nDeux")
        self.assertEqual(asked, ["https://mastodon.social/api/v1/statuses/113476435468125000"])

    def test_a_server_on_a_private_network_is_never_asked(self):
        patch, asked = answers({"content": "<p>secret</p>"})
        with (
            patch,
            mock.patch.object(
                embeds.socket, "getaddrinfo", return_value=[(0, 0, 0, "", ("10.0.0.7", 443))]
            ),
        ):
            found = embeds.lookup(embeds.recognise("https://intranet.example.com/@boss/1"))
        self.assertEqual(asked, [])
        self.assertEqual((found.author, found.text), ("@boss@intranet.example.com", ""))

    def test_a_provider_that_fails_or_hangs_leaves_the_embed_as_it_was(self):
        found = embeds.recognise(YOUTUBE)
        for failure in [urllib.error.URLError("down"), TimeoutError(), ValueError("not JSON")]:
            patch, _asked = answers(failure)
            with self.subTest(failure), patch:
                self.assertEqual(embeds.lookup(found), found)

    @override_settings(EMBED_LOOKUPS=False)
    def test_nothing_is_asked_when_lookups_are_off(self):
        patch, asked = answers({"title": "x"})
        with patch:
            self.assertEqual(embeds.lookup(embeds.recognise(YOUTUBE)).title, "")
        self.assertEqual(asked, [])

    def test_only_https_json_objects_are_read(self):
        with self.assertRaises(ValueError):
            embeds.fetch_json("http://www.youtube.com/oembed")


class PolicyTests(TestCase):
    def test_public_pages_frame_only_the_players_and_run_only_the_sites_scripts(self):
        article = make_article(slug="with-a-video", body=f"<p>{YOUTUBE}</p>")
        response = self.client.get(article.get_absolute_url())
        policy = dict(
            part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
        )
        self.assertEqual(
            policy["frame-src"],
            "https://www.youtube-nocookie.com https://player.vimeo.com "
            "https://geo.dailymotion.com https://framatube.org",
        )
        self.assertEqual(policy["script-src"], "'self'")
        self.assertEqual(policy["img-src"], "'self' data:")
        self.assertContains(response, 'class="embed__facade"')
        self.assertNotContains(response, "<iframe")

    def test_the_frame_sources_follow_the_peertube_servers(self):
        self.assertEqual(
            embeds.frame_sources(["tube.example.org"])[-1], "https://tube.example.org"
        )
        self.assertTrue(embeds.is_hostname("framatube.org"))
        for bad in ["https://framatube.org", "framatube.org:8443", "10.0.0.1", "localhost", ""]:
            with self.subTest(bad):
                self.assertFalse(embeds.is_hostname(bad))
