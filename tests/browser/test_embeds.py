"""Videos and posts embedded without trackers: pasted by an editor, shown to readers as a
facade that asks nothing of the video's site until they click, then its privacy-enhanced
player; anything else pasted is named when saving and gone from the editor."""

import re

import pytest
from playwright.sync_api import expect

from blog.models import Article
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_editing import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
PLAYER = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
X_EMBED_CODE = (
    '<blockquote class="twitter-tweet"><p lang="fr" dir="ltr">Décollage réussi pour la '
    "mission vers la Lune.</p>&mdash; NASA (@NASA) "
    '<a href="https://twitter.com/NASA/status/1800000000000000000?ref_src=twsrc%5Etfw">'
    "1 juin 2024</a></blockquote> "
    '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>'
)


def paste(page, *, text: str = "", html: str = "") -> None:
    """Paste into the editor where its caret is, as the clipboard would."""
    page.locator(".tiptap.ProseMirror").evaluate(
        """(element, [text, html]) => {
            const data = new DataTransfer()
            data.setData("text/plain", text)
            if (html) data.setData("text/html", html)
            element.dispatchEvent(new ClipboardEvent("paste", {
                clipboardData: data, bubbles: true, cancelable: true,
            }))
        }""",
        [text, html],
    )


def new_paragraph(page) -> None:
    page.locator(".tiptap.ProseMirror p").last.click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")


def warnings(page) -> list[str]:
    return page.locator(".messagelist .warning").all_inner_texts()


def test_a_pasted_video_reaches_readers_as_a_facade_that_loads_nothing_until_played(
    demo, browsing
):
    editor = browsing()
    page = editor.page
    log_in(page, "editor")
    page.goto("/admin/blog/article/add/")
    page.locator("#id_title").fill("Les Alpes en vidéo")
    page.locator("#id_title").press("Tab")
    body = page.locator(".tiptap.ProseMirror")
    body.click()
    page.keyboard.type("La saison commence.")

    # A video's address, pasted alone: its embed, in place of the paragraph.
    new_paragraph(page)
    paste(page, text=VIDEO)
    video = body.locator(".embed-editor--video")
    expect(video).to_contain_text("Vidéo · www.youtube.com")
    expect(body.locator("p")).to_have_count(1)
    expect(page.locator("#id_body")).to_have_value(
        re.compile(f'data-embed-url="{re.escape(VIDEO)}"')
    )
    # Its title, as readers will see it before playing it.
    video.dblclick()
    dialog = page.locator("dialog.embed-dialog")
    expect(dialog.get_by_role("heading")).to_have_text("Modifier l’intégration")
    expect(dialog.get_by_label("Adresse de la vidéo ou de la publication")).to_have_value(VIDEO)
    editor.assert_accessible("the embed dialog, editing a video")
    dialog.get_by_label("Titre de la vidéo").fill("Le Mont-Blanc en hiver")
    dialog.get_by_role("button", name="Mettre à jour").click()
    expect(dialog).to_have_count(0)
    expect(video).to_contain_text("Le Mont-Blanc en hiver")

    # X's embed code: its script goes, the post becomes a quoted card.
    new_paragraph(page)
    paste(page, text="Décollage réussi", html=X_EMBED_CODE)
    post = body.locator(".embed-editor--post")
    expect(post).to_contain_text("NASA (@NASA)")
    expect(post).to_contain_text("Décollage réussi pour la mission vers la Lune.")
    expect(page.locator("#id_body")).to_have_value(
        re.compile('data-embed-url="https://x.com/NASA/status/1800000000000000000"')
    )

    # Another site's frame: the editor says at once that it will not stay.
    new_paragraph(page)
    paste(page, text="widget", html='<iframe src="https://tracker.example/widget"></iframe>')
    expect(body.locator(".embed-editor--invalid")).to_contain_text(
        "Ni une vidéo ni une publication intégrable\u00a0: retirée à l’enregistrement."
    )
    editor.assert_accessible("the article form with embeds")

    page.locator("#id_status").select_option("published")
    page.locator('input[name="_continue"]').click()
    expect(page.locator(".messagelist .success").first).to_be_visible()
    assert warnings(page) == [
        "L’intégration «\u202fhttps://tracker.example/widget\u202f» a été retirée du champ "
        "corps\u00a0: ce n’est pas l’adresse d’une vidéo ni d’une publication intégrable."
    ]
    # Gone from the editor too; the video and the post are there, as saved.
    expect(body.locator(".embed-editor")).to_have_count(2)
    expect(body.locator(".embed-editor--invalid")).to_have_count(0)
    expect(body).not_to_contain_text("tracker.example")
    expect(body.locator(".embed-editor--video")).to_contain_text("Le Mont-Blanc en hiver")
    article = Article.objects.get(slug="les-alpes-en-video")
    assert "tracker.example" not in article.body
    # Saved again: nothing more to say.
    page.locator('input[name="_continue"]').click()
    expect(page.locator(".messagelist .success").first).to_be_visible()
    assert warnings(page) == []

    # The reader's page asks nothing of YouTube or X.
    reader = browsing()
    reader.go(article.get_absolute_url())
    facade = reader.page.locator(".article__body .embed--video .embed__facade")
    expect(facade).to_be_visible()
    expect(facade.locator(".embed__title")).to_have_text("Le Mont-Blanc en hiver")
    expect(facade).to_contain_text("Lire la vidéo")
    expect(facade).to_have_attribute("href", VIDEO)
    card = reader.page.locator(".article__body .embed--post")
    expect(card.locator("blockquote")).to_have_text(
        "Décollage réussi pour la mission vers la Lune."
    )
    expect(card.locator("figcaption")).to_contain_text("NASA (@NASA)")
    expect(card.get_by_role("link")).to_have_attribute(
        "href", "https://x.com/NASA/status/1800000000000000000"
    )
    reader.page.wait_for_load_state("networkidle")
    assert reader.third_party_requests == []
    assert reader.page.locator("iframe").count() == 0
    assert reader.page.evaluate(
        "[...document.images].every(i => i.src.startsWith(location.origin))"
    )

    # Played: then, and only then, the privacy-enhanced player.
    reader.allowed_origins = ("https://www.youtube-nocookie.com/",)
    reader.page.route(
        "https://www.youtube-nocookie.com/**",
        lambda route: route.fulfill(
            content_type="text/html", body="<!doctype html><title>Lecteur</title><p>Lecteur"
        ),
    )
    facade.click()
    player = reader.page.locator(".article__body iframe.embed__player")
    expect(player).to_have_attribute("src", PLAYER)
    expect(player).to_have_attribute("title", "Le Mont-Blanc en hiver")
    expect(player).to_have_attribute("referrerpolicy", "strict-origin-when-cross-origin")
    expect(player).to_be_focused()
    expect(reader.page.frame_locator(".embed__player").locator("p")).to_have_text("Lecteur")
    assert reader.third_party_requests == [PLAYER]


@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_an_article_with_embeds_has_no_axe_violations(demo, browsing, theme, device):
    # The seed article of the demo, a video and a post added to it.
    demo.body = (
        f"<p>Une vidéo et une publication.</p><p>{VIDEO}</p>"
        '<figure data-embed-url="https://mastodon.social/@Gargron/113476435468125000" '
        'data-embed-author="Eugen Rochko (@Gargron@mastodon.social)"><blockquote>'
        "<p>Bonjour à toutes et à tous.</p></blockquote></figure>"
    )
    demo.save()
    phone = device == "phone"
    reader = browsing(
        color_scheme=theme, viewport=PHONE if phone else DESKTOP, is_mobile=phone, has_touch=phone
    )
    reader.go(demo.get_absolute_url())
    expect(reader.page.locator(".embed__facade")).to_be_visible()
    expect(reader.page.locator(".embed--post blockquote")).to_be_visible()
    reader.assert_accessible(f"an article with a video and a post ({theme}, {device})")
    assert reader.third_party_requests == []
