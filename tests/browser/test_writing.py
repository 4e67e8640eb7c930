"""Editors write in the rich-text editor, with images from the library, autosave and
previews of unsaved changes; readers see the result, same origin, with srcset."""

import re

import pytest
from playwright.sync_api import expect

from blog.models import Article
from tests.base import jpeg, make_image
from tests.browser.test_conflicts import assert_accessible_everywhere
from tests.browser.test_editing import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "La neige revient sur les Alpes"


def upload_to_the_library(editor, alt: str, caption: str = "") -> None:
    page = editor.page
    page.goto("/admin/editing/image/add/")
    editor.assert_accessible("the library's upload form")
    page.locator("#id_file").set_input_files(
        {"name": "alpes.jpg", "mimeType": "image/jpeg", "buffer": jpeg(1600, 900)}
    )
    page.locator("#id_alt").fill(alt)
    page.locator("#id_caption").fill(caption)
    page.locator('input[name="_save"]').click()
    expect(page.locator(".messagelist .success")).to_be_visible()


def test_an_editor_writes_an_article_with_a_heading_a_link_and_a_library_image(demo, browsing):
    editor = browsing()
    page = editor.page
    log_in(page, "editor")
    upload_to_the_library(editor, "Des sommets enneigés", caption="Le Mont-Blanc en novembre")
    editor.assert_accessible("the image library")
    page.locator("#result_list").get_by_role("link", name="Des sommets enneigés").click()
    expect(page.locator(".library-preview")).to_have_attribute("srcset", re.compile("480w"))
    editor.assert_accessible("an image of the library")

    page.goto("/admin/blog/article/add/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_title").press("Tab")
    body = page.locator(".tiptap.ProseMirror")
    body.click()
    page.keyboard.type("Il a neigé toute la nuit sur les sommets.")
    page.keyboard.press("Enter")
    page.keyboard.type("## Les stations rouvrent")
    page.keyboard.press("Enter")

    # An image: the figure button offers the library, where the upload is waiting.
    page.locator('.prose-menubar [data-name="figure"]').click()
    library = page.locator("dialog.library-dialog")
    expect(library).to_be_visible()
    editor.assert_accessible("the library dialog")
    library.get_by_role("button", name="Des sommets enneigés").click()
    expect(library).to_have_count(0)
    expect(body.locator("figure img")).to_have_attribute("alt", "Des sommets enneigés")

    # A link, at the end of the first paragraph: select the words, then the toolbar's link
    # button asks for the address.
    body.locator("p").first.click()
    page.keyboard.press("End")
    page.keyboard.type(" Voir le bulletin de Météo-France.")
    page.keyboard.press("ArrowLeft")
    for _letter in "Météo-France":
        page.keyboard.press("Shift+ArrowLeft")
    page.locator('.prose-menubar [data-name="link"]').click()
    link_dialog = page.locator("dialog[open]")
    # The editor's own dialogs speak the admin's French.
    expect(link_dialog).to_contain_text("Modifier le lien")
    expect(link_dialog.get_by_role("textbox", name="Titre")).to_be_visible()
    expect(link_dialog.get_by_role("button", name="Annuler")).to_be_visible()
    link_dialog.get_by_label("URL").fill("https://meteofrance.com/")
    link_dialog.locator('button[type="submit"]').click()
    expect(page.locator("dialog[open]")).to_have_count(0)
    expect(body.get_by_role("link", name="Météo-France")).to_be_visible()
    editor.assert_accessible("the article form")

    page.locator("#id_status").select_option("published")
    page.locator('input[name="_save"]').click()
    expect(page.locator(".messagelist .success").first).to_be_visible()
    expect(page.locator(".messagelist .warning")).to_have_count(0)

    reader = browsing()
    reader.go("/articles/la-neige-revient-sur-les-alpes/")
    article = reader.page.locator(".article__body")
    expect(article.locator("h2")).to_have_text("Les stations rouvrent")
    expect(article.get_by_role("link", name="Météo-France")).to_have_attribute(
        "href", "https://meteofrance.com/"
    )
    image = article.locator("figure img")
    expect(image).to_have_attribute("alt", "Des sommets enneigés")
    expect(image).to_have_attribute(
        "src", re.compile(r"^/media/library/\d{4}/\d{2}/alpes.*\.jpg$")
    )
    expect(image).to_have_attribute(
        "srcset",
        re.compile(
            r"^/media/library/.+-480w\.jpg 480w, .+-800w\.jpg 800w, .+-1200w\.jpg 1200w, .+ 1600w$"
        ),
    )
    expect(article.locator("figcaption")).to_have_text("Le Mont-Blanc en novembre")
    image.scroll_into_view_if_needed()
    reader.page.wait_for_function(
        "image => image.complete && image.naturalWidth > 0", arg=image.element_handle()
    )
    # Every image of the page comes from the site itself.
    sources = reader.page.eval_on_selector_all(
        "img", "images => images.map(i => i.currentSrc || i.src)"
    )
    assert all(src.startswith(reader.base_url) for src in sources), sources


def test_text_typed_before_the_tab_closed_is_recovered_when_the_form_reopens(demo, browsing):
    editor = browsing()
    page = editor.page
    log_in(page, "editor")
    page.goto("/admin/blog/article/add/")
    page.locator("#id_title").fill("Un titre qui ne doit pas se perdre")
    page.locator(".tiptap.ProseMirror").click()
    page.keyboard.type("Trois paragraphes écrits avant la panne.")
    # The indicator says the draft is kept, without saving the article.
    expect(page.locator(".autosave__status")).to_contain_text("Brouillon conservé")
    page.keyboard.type(" Et une phrase tapée juste avant de fermer.")
    page.close()  # the tab closes before the next autosave: the last words go on pagehide
    assert not Article.objects.filter(title__startswith="Un titre").exists()

    # A new article's form is another story: it lists the unsaved one, and offers it only
    # once it is opened again.
    page = editor.page = editor.context.new_page()
    page.goto("/admin/blog/article/add/")
    offer = page.locator(".autosave__offer")
    others = page.locator(".autosave__others")
    expect(others).to_be_visible()
    expect(offer).to_be_hidden()
    assert_accessible_everywhere(editor, "a new article's form listing another's draft")
    others.get_by_role("link", name="Un titre qui ne doit pas se perdre").click()
    expect(page).to_have_url(re.compile(r"/admin/blog/article/add/\?draft=[0-9a-f]+$"))
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("n’a pas été enregistré")
    editor.assert_accessible("the article form offering to recover")
    offer.get_by_role("button", name="Le récupérer").click()
    expect(page.locator("#id_title")).to_have_value("Un titre qui ne doit pas se perdre")
    expect(page.locator(".tiptap.ProseMirror")).to_have_text(
        "Trois paragraphes écrits avant la panne. Et une phrase tapée juste avant de fermer."
    )
    expect(offer).to_be_hidden()
    # Nothing was published or saved along the way; saving now does, and forgets the draft.
    assert not Article.objects.filter(title__startswith="Un titre").exists()
    page.locator("#id_slug").fill("un-titre")
    page.locator('input[name="_save"]').click()
    expect(page.locator(".messagelist .success").first).to_be_visible()
    article = Article.objects.get(slug="un-titre")
    assert article.status == Article.Status.DRAFT
    assert "juste avant de fermer" in article.body_html
    page.goto("/admin/blog/article/add/")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".autosave__offer")).to_be_hidden()
    expect(page.locator(".autosave__others")).to_be_hidden()


def test_recovering_an_articles_draft_brings_back_its_cover_and_author(demo, browsing):
    cover = make_image(1200, 600, alt="Le Kremlin sous la neige")
    editor = browsing()
    page = editor.page
    log_in(page, "editor")
    url = f"/admin/blog/article/{demo.pk}/change/"
    editor.go(url)
    # The cover is chosen in its autocomplete box, which holds only the options chosen.
    page.locator(".field-cover .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Kremlin")
    page.locator(".select2-results__option", has_text="Le Kremlin sous la neige").click()
    page.locator("#id_author").select_option(label="Léa Marchand")
    expect(page.locator(".autosave__status")).to_contain_text("Brouillon conservé")
    page.close()

    page = editor.page = editor.context.new_page()
    editor.go(url)
    offer = page.locator(".autosave__offer")
    offer.get_by_role("button", name="Le récupérer").click()
    expect(page.locator("#id_cover")).to_have_value(str(cover.pk))
    expect(page.locator(".field-cover .select2-selection__rendered")).to_contain_text(
        "Le Kremlin sous la neige"
    )
    expect(page.locator("#id_author option:checked")).to_have_text("Léa Marchand")
    editor.assert_accessible("the article form with its cover recovered")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    demo.refresh_from_db()
    assert demo.cover_id == cover.pk
    assert demo.author.username == "contributor"


def test_an_editor_previews_unsaved_changes_as_readers_would_see_them(demo, browsing):
    editor = browsing()
    page = editor.page
    log_in(page, "editor")
    page.goto(f"/admin/blog/article/{demo.pk}/change/")
    page.locator("#id_title").fill("Un titre pas encore enregistré")
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Prévisualiser les modifications").click()
    preview = opened.value
    preview.wait_for_load_state()
    expect(preview.locator("h1")).to_have_text("Un titre pas encore enregistré")
    expect(preview.locator(".preview-banner")).to_contain_text("rien n’a été enregistré")
    expect(preview.locator(".article__cover img")).to_be_visible()
    editor.page = preview
    editor.assert_accessible("the preview")
    demo.refresh_from_db()
    assert demo.title != "Un titre pas encore enregistré"


WORD_PROCESSOR_HTML = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal '
    "{margin:0}</style></head><body><!--StartFragment-->"
    '<p class="MsoNormal" style="margin-bottom:0cm;line-height:normal">'
    '<span style="font-family:Calibri;color:#1F3864">Un paragraphe </span>'
    '<b><span style="font-size:14pt">important</span></b><o:p></o:p></p>'
    '<h1 style="mso-outline-level:1"><font face="Arial">Un grand titre</font></h1>'
    '<p class="MsoListParagraph" style="mso-list:l0 level1 lfo1">'
    '<a href="https://example.org/" style="color:blue">un lien</a></p>'
    '<table class="MsoTableGrid" style="border-collapse:collapse"><tr>'
    '<td style="width:100pt">cellule</td></tr></table>'
    "<!--EndFragment--></body></html>"
)


def paste(page, html: str) -> None:
    """Paste HTML into the focused editor, as the clipboard of a word processor would."""
    page.locator(".tiptap.ProseMirror").evaluate(
        """(element, html) => {
            const data = new DataTransfer()
            data.setData("text/html", html)
            data.setData("text/plain", "pasted")
            element.dispatchEvent(new ClipboardEvent("paste", {
                clipboardData: data, bubbles: true, cancelable: true,
            }))
        }""",
        html,
    )


def test_pasting_from_a_word_processor_or_a_hostile_page_leaves_clean_inert_html(demo, browsing):
    from tests.sitewide.test_markup import ACTIVE_CONTENT, ARTICLE_ATTACKS

    editor = browsing(color_scheme="dark")
    page = editor.page
    # A script that ran would open a dialog: fail on the first one.
    page.on("dialog", lambda dialog: pytest.fail(f"a pasted script ran: {dialog.message}"))
    log_in(page, "editor")
    page.goto("/admin/blog/article/add/")
    # The toolbar's disabled buttons are quieter, not faded (nor fading): readable in the
    # dark theme whenever axe looks.
    disabled = page.locator(".prose-menubar__button.disabled")
    expect(disabled.first).to_be_visible()
    assert set(disabled.evaluate_all("all => all.map(b => getComputedStyle(b).opacity)")) == {"1"}
    editor.assert_accessible("the article form, dark theme")
    page.locator("#id_title").fill("Collé depuis un traitement de texte")
    page.locator("#id_title").press("Tab")
    page.locator(".tiptap.ProseMirror").click()
    paste(page, WORD_PROCESSOR_HTML)
    body = page.locator("#id_body").input_value()
    assert "Un paragraphe <strong>important</strong>" in body, body
    assert '<a href="https://example.org/"' in body, body
    assert "<td" in body and "cellule" in body, body
    for leftover in ["style=", "Mso", "<span", "<font", "<o:p", "<h1", "<!--", 'class="Mso']:
        assert leftover not in body, (leftover, body)

    for _attack, html, _expected in ARTICLE_ATTACKS:
        page.keyboard.press("End")
        paste(page, html)
    # Parsing the clipboard, the browser met the attacks' handlers, styles and addresses:
    # the admin's policy refused every one (and nothing ran: no dialog opened). Those
    # refusals are the policy at work, not errors of the page.
    refusals = [e for e in editor.console_errors if "Content Security Policy" in e]
    blocked = [e for e in editor.console_errors if e.startswith("third-party request:")]
    assert refusals, "the hostile paste met no policy refusal"
    assert sorted(refusals + blocked) == sorted(editor.console_errors), editor.console_errors
    editor.console_errors.clear()
    page.locator("#id_status").select_option("published")
    page.locator('input[name="_save"]').click()
    expect(page.locator(".messagelist .success").first).to_be_visible()

    reader = browsing()
    reader.page.on("dialog", lambda dialog: pytest.fail(f"a script ran: {dialog.message}"))
    reader.go("/articles/colle-depuis-un-traitement-de-texte/")
    article_html = reader.page.locator(".article__body").inner_html().lower()
    for needle in ACTIVE_CONTENT:
        assert needle not in article_html, needle
    sources = reader.page.eval_on_selector_all(
        "img", "images => images.map(i => i.currentSrc || i.src)"
    )
    assert all(src.startswith(reader.base_url) for src in sources), sources
    feed = reader.context.request.get("/feed/").text()
    assert "Collé depuis un traitement de texte" in feed
    for needle in ["<script", "javascript:", "onerror", "onload"]:
        assert needle not in feed.lower(), needle
