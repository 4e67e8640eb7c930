"""Small hand-written WordPress exports, and running the importer on them."""

import datetime
import email.utils
import io
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from django.core.management import call_command

SITE = "https://old.example"
HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"
    xmlns:excerpt="http://wordpress.org/export/{v}/excerpt/"
    xmlns:content="http://purl.org/rss/1.0/modules/content/"
    xmlns:wfw="http://wellformedweb.org/CommentAPI/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:wp="http://wordpress.org/export/{v}/">
<channel>
<title>Old blog</title>
<link>{site}</link>
<language>{language}</language>
<wp:wxr_version>{v}</wp:wxr_version>
<wp:base_site_url>{site}</wp:base_site_url>
<wp:base_blog_url>{site}</wp:base_blog_url>
"""
FOOT = "</channel>\n</rss>\n"


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def author(login="jdoe", display_name="Jane Doe", email="jane@old.example", wp_id="2") -> str:
    return f"""<wp:author><wp:author_id>{wp_id}</wp:author_id>
<wp:author_login>{cdata(login)}</wp:author_login>
<wp:author_email>{cdata(email)}</wp:author_email>
<wp:author_display_name>{cdata(display_name)}</wp:author_display_name>
<wp:author_first_name>{cdata("")}</wp:author_first_name>
<wp:author_last_name>{cdata("")}</wp:author_last_name></wp:author>
"""


def category(slug: str, name: str, parent: str = "", wp_id: str = "") -> str:
    return f"""<wp:category><wp:term_id>{wp_id}</wp:term_id>
<wp:category_nicename>{cdata(slug)}</wp:category_nicename>
<wp:category_parent>{cdata(parent)}</wp:category_parent>
<wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>
"""


def tag(slug: str, name: str, wp_id: str = "") -> str:
    return f"""<wp:tag><wp:term_id>{wp_id}</wp:term_id><wp:tag_slug>{cdata(slug)}</wp:tag_slug>
<wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>
"""


def comment(
    wp_id: int,
    text: str = "A comment.",
    parent: int = 0,
    approved: str = "1",
    type: str = "",
    name: str = "Reader",
    email: str = "reader@example.org",
    url: str = "",
    ip: str = "203.0.113.9",
    date_gmt: str = "2020-01-02 10:00:00",
) -> str:
    return f"""<wp:comment><wp:comment_id>{wp_id}</wp:comment_id>
<wp:comment_author>{cdata(name)}</wp:comment_author>
<wp:comment_author_email>{escape(email)}</wp:comment_author_email>
<wp:comment_author_url>{escape(url)}</wp:comment_author_url>
<wp:comment_author_IP>{escape(ip)}</wp:comment_author_IP>
<wp:comment_date>{date_gmt}</wp:comment_date>
<wp:comment_date_gmt>{date_gmt}</wp:comment_date_gmt>
<wp:comment_content>{cdata(text)}</wp:comment_content>
<wp:comment_approved>{approved}</wp:comment_approved>
<wp:comment_type>{type}</wp:comment_type>
<wp:comment_parent>{parent}</wp:comment_parent>
<wp:comment_user_id>0</wp:comment_user_id></wp:comment>
"""


def item(
    wp_id: int,
    title: str = "A post",
    slug: str | None = None,
    content: str = "Some text.",
    excerpt: str = "",
    status: str = "publish",
    post_type: str = "post",
    date: str = "2020-01-01 12:00:00",
    date_gmt: str = "2020-01-01 11:00:00",
    creator: str = "jdoe",
    link: str | None = None,
    terms: tuple = (),
    comments: tuple = (),
    sticky: bool = False,
    meta: dict | None = None,
    attachment_url: str = "",
    parent: int = 0,
    comment_status: str = "open",
    guid: str | None = None,
) -> str:
    slug = f"post-{wp_id}" if slug is None else slug
    guid = f"{SITE}/?p={wp_id}" if guid is None else guid
    if link is None:
        link = (
            f"{SITE}/{date[:4]}/{date[5:7]}/{date[8:10]}/{slug}/" if slug else f"{SITE}/?p={wp_id}"
        )
    categories = "".join(
        f'<category domain="{domain}" nicename="{escape(nicename)}">{cdata(name)}</category>'
        for domain, nicename, name in terms
    )
    postmeta = "".join(
        f"<wp:postmeta><wp:meta_key>{cdata(k)}</wp:meta_key>"
        f"<wp:meta_value>{cdata(v)}</wp:meta_value></wp:postmeta>"
        for k, v in (meta or {}).items()
    )
    return f"""<item>
<title>{escape(title)}</title>
<link>{escape(link)}</link>
<pubDate>{_rfc822(date_gmt)}</pubDate>
<dc:creator>{cdata(creator)}</dc:creator>
<guid isPermaLink="false">{escape(guid)}</guid>
<description></description>
<content:encoded>{cdata(content)}</content:encoded>
<excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>
<wp:post_id>{wp_id}</wp:post_id>
<wp:post_date>{date}</wp:post_date>
<wp:post_date_gmt>{date_gmt}</wp:post_date_gmt>
<wp:comment_status>{comment_status}</wp:comment_status>
<wp:post_name>{cdata(slug)}</wp:post_name>
<wp:status>{status}</wp:status>
<wp:post_parent>{parent}</wp:post_parent>
<wp:post_type>{post_type}</wp:post_type>
<wp:is_sticky>{1 if sticky else 0}</wp:is_sticky>
{f"<wp:attachment_url>{escape(attachment_url)}</wp:attachment_url>" if attachment_url else ""}
{categories}{postmeta}{"".join(comments)}
</item>
"""


def _rfc822(gmt: str) -> str:
    """As WordPress writes it, from the GMT date (a draft's is zero)."""
    if gmt.startswith("0000"):
        return "Mon, 30 Nov -0001 00:00:00 +0000"
    when = datetime.datetime.strptime(gmt, "%Y-%m-%d %H:%M:%S")
    return email.utils.format_datetime(when.replace(tzinfo=datetime.UTC))


def export(*parts: str, version: str = "1.2", site: str = SITE, language: str = "en-US") -> bytes:
    head = HEAD.format(v=version, site=site, language=language)
    return (head + "".join(parts) + FOOT).encode()


def run(data: bytes, *args: str) -> tuple[str, str]:
    """Import an export given as bytes; the command's output and its progress."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.xml"
        path.write_bytes(data)
        return run_file(path, *args)


def run_file(path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()
