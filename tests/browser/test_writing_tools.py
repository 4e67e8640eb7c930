"""The writing tools as an editor meets them: the image library's grid, adding images
from inside it, the toolbar in the admin's language, Ctrl+K, the block type, the
spelling checker and the tags' suggestions."""

import base64
import re

import pytest
from playwright.sync_api import expect

from editing.models import Image
from tests.base import jpeg, make_image
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_editing import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LONG_CAPTION = "Le massif du Mont-Blanc sous la première neige, vu depuis la vallée de Chamonix"


def library_with_images() -> None:
    """Images of every shape, a long caption among them: the grid must hold them all."""
    make_image(1600, 900, alt="Des sommets enneigés", caption=LONG_CAPTION, credit="AFP")
    make_image(600, 900, alt="Un sapin seul, en hauteur")
    make_image(1000, 1000, alt="Un refuge", caption="Le refuge du Goûter")
    make_image(2000, 500, alt="Une crête", caption="Panorama")


def let_autosave_keep(page) -> None:
    """Wait for the form's draft to be kept (editing/static/editing/autosave.js), as it is
    every five seconds after a change: the tab closing at the end of the test would send
    it otherwise, while the test's database is being emptied."""
    with page.expect_response(
        lambda response: (
            response.url.endswith("/admin/editing/autosave/") and response.request.method == "POST"
        ),
        timeout=15_000,
    ):
        pass


def open_library(page):
    page.goto("/admin/blog/article/add/")
    page.locator(".tiptap.ProseMirror").click()
    page.locator('.prose-menubar [data-name="figure"]').click()
    library = page.locator("dialog.library-dialog")
    expect(library).to_be_visible()
    expect(library.locator(".library-tile").first).to_be_visible()
    return library


MEASURE_TILES = """list => [...list.querySelectorAll(':scope > li')].map(item => {
    const box = element => {
        const r = element.getBoundingClientRect()
        return {left: r.left, top: r.top, right: r.right, bottom: r.bottom,
                width: r.width, height: r.height}
    }
    const image = item.querySelector('img')
    const caption = item.querySelector('.library-tile__caption')
    const style = getComputedStyle(caption)
    return {
        tile: box(item.querySelector('.library-tile')),
        frame: box(item.querySelector('.library-tile__frame')),
        image: box(image),
        loaded: image.complete && image.naturalWidth > 0,
        fit: getComputedStyle(image).objectFit,
        caption: box(caption),
        text: caption.textContent,
        lines: Math.round(caption.getBoundingClientRect().height / parseFloat(style.lineHeight)),
    }
})"""


def assert_a_grid_of_thumbnails_with_captions_under_them(library) -> list[dict]:
    list_ = library.locator(".library-dialog__images")
    list_.locator("img").first.evaluate("image => image.decode()")
    tiles = list_.evaluate(MEASURE_TILES)
    assert len(tiles) >= 5, tiles
    for tile in tiles:
        image, frame, caption = tile["image"], tile["frame"], tile["caption"]
        # A real thumbnail, in a 3:2 frame as wide as the tile, cropped rather than
        # squashed (the old picker squeezed every image into 140 × 140).
        assert tile["loaded"], tile
        assert tile["fit"] == "cover", tile
        assert image["width"] >= 120, tile
        assert abs(image["height"] - image["width"] * 2 / 3) <= 1.5, tile
        assert image == frame, tile
        assert image["width"] >= tile["tile"]["width"] - 20, tile
        # The caption under its image, inside its own tile, on a few full lines (not a
        # word per line running over the next tile).
        assert caption["top"] >= image["bottom"], tile
        assert (
            tile["tile"]["left"] <= caption["left"] and caption["right"] <= tile["tile"]["right"]
        )
        assert caption["bottom"] <= tile["tile"]["bottom"] + 0.5, tile
        assert caption["width"] >= image["width"] - 2, tile
        assert 1 <= tile["lines"] <= 3, tile
    # No tile overlaps another.
    for n, first in enumerate(tiles):
        for second in tiles[n + 1 :]:
            a, b = first["tile"], second["tile"]
            apart = (
                a["right"] <= b["left"] + 0.5
                or b["right"] <= a["left"] + 0.5
                or a["bottom"] <= b["top"] + 0.5
                or b["bottom"] <= a["top"] + 0.5
            )
            assert apart, (first, second)
    # Several tiles a row on a desktop: a grid, not a column.
    assert len({round(tile["tile"]["top"]) for tile in tiles[:4]}) == 1, tiles
    return tiles


def drop_files(page, target, files: list[tuple[str, str, bytes]]) -> None:
    """Drop files on an element as a file manager would: dragenter, dragover, drop."""
    payload = [(name, kind, base64.b64encode(data).decode()) for name, kind, data in files]
    target.evaluate(
        """(element, files) => {
            const data = new DataTransfer()
            for (const [name, type, content] of files) {
                const bytes = Uint8Array.from(atob(content), c => c.charCodeAt(0))
                data.items.add(new File([bytes], name, {type}))
            }
            for (const type of ['dragenter', 'dragover', 'drop']) {
                element.dispatchEvent(new DragEvent(type, {
                    dataTransfer: data, bubbles: true, cancelable: true,
                }))
            }
        }""",
        payload,
    )


def test_the_library_is_a_grid_and_takes_dropped_images_described_before_they_are_added(
    demo, browsing
):
    library_with_images()
    editor = browsing()
    page = editor.page
    requests: list[str] = []
    page.on("request", lambda request: requests.append(f"{request.method} {request.url}"))
    log_in(page, "editor")
    library = open_library(page)
    tiles = assert_a_grid_of_thumbnails_with_captions_under_them(library)
    captions = [tile["text"] for tile in tiles]
    assert LONG_CAPTION + " — AFP" in captions
    # Without a caption, the tile says its alt text.
    assert "Un sapin seul, en hauteur" in captions
    # The tile is named by what it shows: the alt text, then the caption.
    expect(
        library.get_by_role("button", name=re.compile("^Un refuge Le refuge du Goûter"))
    ).to_be_visible()

    # Two photos dropped at once, then a file that is not one.
    drop_zone = library.locator(".library-upload")
    drop_files(
        page,
        drop_zone,
        [
            ("aiguille.jpg", "image/jpeg", jpeg(1200, 800)),
            ("lac-blanc.jpg", "image/jpeg", jpeg(800, 1200)),
        ],
    )
    library.locator('input[type="file"]').set_input_files(
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not an image"}
    )
    expect(library.locator(".library-upload__status")).to_contain_text(
        "«\u202fnotes.txt\u202f» n’a pas été ajoutée\u00a0: ce fichier n’est pas une image."
    )
    pending = library.locator(".library-upload__file")
    expect(pending).to_have_count(2)
    expect(pending.nth(0)).to_contain_text("aiguille.jpg")
    expect(pending.nth(1)).to_contain_text("lac-blanc.jpg")
    # Each is previewed from the file itself, before anything is sent.
    expect(pending.nth(0).locator("img")).to_have_attribute("src", re.compile("^data:image/jpeg"))
    editor.assert_accessible("the library dialog, two images to describe")

    # The alt text is asked first: without it nothing is sent.
    add = library.get_by_role("button", name="Ajouter à la médiathèque")
    alt_fields = library.get_by_role("textbox", name="Texte alternatif (obligatoire)")
    expect(alt_fields).to_have_count(2)
    expect(alt_fields.first).to_be_focused()
    add.click()
    assert alt_fields.first.evaluate("input => !input.validity.valid")
    assert not [r for r in requests if "/image/upload/" in r]
    assert Image.objects.count() == 5

    alt_fields.nth(0).fill("L’aiguille du Midi dans les nuages")
    pending.nth(0).get_by_label("Légende").fill("Aiguille du Midi, 3842 m")
    alt_fields.nth(1).fill("Le lac Blanc gelé")
    pending.nth(1).get_by_label("Crédit").fill("Léa Marchand")
    shown_before = len([r for r in requests if "/images.json" in r])
    add.click()

    # Both are listed at once, first and marked, without searching the library again.
    new = library.locator(".library-tile--new")
    expect(new).to_have_count(2)
    expect(new.nth(0)).to_contain_text("Aiguille du Midi, 3842 m")
    # Without a caption, the credit goes under the image (and the alt text in its name).
    expect(new.nth(1)).to_contain_text("Léa Marchand")
    expect(new.nth(1).get_by_role("button")).to_have_accessible_name(
        re.compile("Le lac Blanc gelé")
    )
    expect(new.nth(0)).to_contain_text("Nouvelle")
    expect(library.locator(".library-upload__status")).to_contain_text(
        "Ajoutées à la médiathèque\u00a0: L’aiguille du Midi dans les nuages, Le lac Blanc gelé."
    )
    expect(pending).to_have_count(0)
    expect(new.nth(0).get_by_role("button")).to_be_focused()
    assert len([r for r in requests if "/images.json" in r]) == shown_before
    assert len([r for r in requests if r.startswith("POST") and "/image/upload/" in r]) == 2
    added = Image.objects.filter(
        alt__in=["L’aiguille du Midi dans les nuages", "Le lac Blanc gelé"]
    )
    assert {image.uploaded_by.username for image in added} == {"editor"}
    assert all(image.renditions for image in added)
    assert_a_grid_of_thumbnails_with_captions_under_them(library)
    editor.assert_accessible("the library dialog after adding two images")

    new.nth(1).get_by_role("button").click()
    expect(library).to_have_count(0)
    figure = page.locator(".tiptap.ProseMirror figure")
    expect(figure.locator("img")).to_have_attribute("alt", "Le lac Blanc gelé")
    expect(figure.locator("figcaption")).to_have_text("Léa Marchand")
    let_autosave_keep(page)


def test_the_toolbar_speaks_french_and_ctrl_k_opens_the_link_dialog(demo, browsing):
    editor = browsing()
    page = editor.page
    log_in(page, "editor")
    page.goto("/admin/blog/article/add/")
    body = page.locator(".tiptap.ProseMirror")
    toolbar = page.locator(".prose-menubar")
    # Every tooltip in the admin's French, the shortcut said.
    for name, title, label in [
        ("bold", "Gras (Ctrl+B)", "Gras"),
        ("italic", "Italique (Ctrl+I)", "Italique"),
        ("link", "Lien (Ctrl+K)", "Lien"),
        ("bulletList", "Liste à puces", "Liste à puces"),
        ("orderedList", "Liste numérotée", "Liste numérotée"),
        ("blockquote", "Citation", "Citation"),
        ("figure", "Image de la médiathèque", "Image de la médiathèque"),
        ("table", "Insérer un tableau", "Insérer un tableau"),
        ("history:undo", "Annuler (Ctrl+Z)", "Annuler"),
    ]:
        button = toolbar.locator(f'[data-name="{name}"]')
        expect(button).to_have_attribute("title", title)
        expect(button).to_have_attribute("aria-label", label)
    titles = toolbar.locator("button[title]").evaluate_all("all => all.map(b => b.title)")
    english = {"bold", "italic", "insert link", "unordered list", "undo", "redo", "figure"}
    assert not english & {title.lower() for title in titles}, titles

    # The block type is a visible select, in words, following the caret.
    block_type = toolbar.get_by_role("combobox", name="Type de bloc")
    expect(block_type).to_be_visible()
    assert block_type.evaluate("select => select.getBoundingClientRect().width") > 80
    body.click()
    page.keyboard.type("Les stations rouvrent")
    expect(block_type.locator("option:checked")).to_have_text("Paragraphe")
    block_type.select_option(label="Titre 2")
    expect(body.locator("h2")).to_have_text("Les stations rouvrent")
    body.locator("h2").click()
    expect(block_type.locator("option:checked")).to_have_text("Titre 2")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    expect(block_type.locator("option:checked")).to_have_text("Paragraphe")

    # Spelling is checked, in the article's language, following the form's field.
    expect(body).to_have_attribute("spellcheck", "true")
    expect(body).to_have_attribute("lang", "fr")
    page.locator("#id_language").select_option("en")
    expect(body).to_have_attribute("lang", "en")
    page.locator("#id_language").select_option("fr")
    expect(body).to_have_attribute("lang", "fr")

    # Ctrl+K with nothing selected: the address and the words to show.
    body.click()
    page.keyboard.press("End")
    page.keyboard.type("Le bulletin : ")
    page.keyboard.press("Control+k")
    dialog = page.locator("dialog[open]")
    expect(dialog).to_contain_text("Modifier le lien")
    editor.assert_accessible("the link dialog")
    dialog.get_by_label("URL").fill("https://meteofrance.com/")
    dialog.get_by_label("Texte du lien").fill("Météo-France")
    dialog.get_by_role("button", name="Insérer le lien").click()
    expect(dialog).to_have_count(0)
    expect(body.get_by_role("link", name="Météo-France")).to_have_attribute(
        "href", "https://meteofrance.com/"
    )
    # Ctrl+K on selected words links them (Cmd+K on a Mac: the same shortcut, "Mod-k").
    page.keyboard.type(" et les stations")
    for _letter in "stations":
        page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Control+k")
    expect(dialog).to_contain_text("Modifier le lien")
    expect(dialog.get_by_label("Texte du lien")).to_have_count(0)
    dialog.get_by_label("URL").fill("https://www.france-montagnes.com/")
    dialog.locator('button[type="submit"]').click()
    expect(body.get_by_role("link", name="stations")).to_have_attribute(
        "href", "https://www.france-montagnes.com/"
    )
    let_autosave_keep(page)


def test_the_tags_field_suggests_existing_tags(demo, browsing):
    editor = browsing()
    page = editor.page
    log_in(page, "editor")
    page.goto("/admin/blog/article/add/")
    tags = page.get_by_role("combobox", name=re.compile("Étiquettes"))
    expect(tags).to_have_attribute("aria-expanded", "false")
    tags.fill("Montagne, tal")
    suggestions = page.get_by_role("listbox", name="Étiquettes existantes")
    expect(suggestions).to_be_visible()
    expect(suggestions.get_by_role("option")).to_have_text(["Talibans"])
    expect(tags).to_have_attribute("aria-expanded", "true")
    editor.assert_accessible("the tags' suggestions")
    tags.press("ArrowDown")
    expect(suggestions.get_by_role("option", name="Talibans")).to_have_attribute(
        "aria-selected", "true"
    )
    tags.press("Enter")  # takes the tag, does not send the form
    expect(tags).to_have_value("Montagne, Talibans, ")
    expect(suggestions).to_be_hidden()
    # Still the new form (its address carries its draft's key, editing/autosave.js).
    assert re.search(r"/admin/blog/article/add/\?draft=[0-9a-f]+$", page.url), page.url
    # A tag already chosen is not offered again; Escape closes the list.
    tags.press_sequentially("ru")
    expect(suggestions.get_by_role("option")).to_have_text(["Russie"])
    tags.press("Escape")
    expect(suggestions).to_be_hidden()
    tags.press_sequentially("s")
    suggestions.get_by_role("option", name="Russie").click()
    expect(tags).to_have_value("Montagne, Talibans, Russie, ")
    with page.expect_response(re.compile(r"/tags\.json\?q=tal$")):
        tags.press_sequentially("tal")
    expect(suggestions).to_be_hidden()
    let_autosave_keep(page)


@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_writing_screens_have_no_axe_violations(demo, browsing, theme, device):
    library_with_images()
    phone = device == "phone"
    editor = browsing(
        color_scheme=theme, viewport=PHONE if phone else DESKTOP, is_mobile=phone, has_touch=phone
    )
    page = editor.page
    log_in(page, "editor")
    label = f"({theme}, {device})"
    library = open_library(page)
    editor.assert_accessible(f"the library dialog {label}")
    drop_files(page, library.locator(".library-upload"), [("a.jpg", "image/jpeg", jpeg(300, 200))])
    expect(library.locator(".library-upload__file")).to_have_count(1)
    editor.assert_accessible(f"the library dialog with an image to describe {label}")
    library.get_by_role("button", name="Annuler").click()
    expect(library).to_have_count(0)
    editor.assert_accessible(f"the article form {label}")
    page.locator('.prose-menubar [data-name="embed"]').click()
    expect(page.locator("dialog.embed-dialog")).to_be_visible()
    editor.assert_accessible(f"the embed dialog {label}")
    page.keyboard.press("Escape")
    expect(page.locator("dialog.embed-dialog")).to_have_count(0)
    page.get_by_role("combobox", name=re.compile("Étiquettes")).fill("ru")
    expect(page.get_by_role("listbox", name="Étiquettes existantes")).to_be_visible()
    editor.assert_accessible(f"the article form, tags suggested {label}")
    # The editor-in-chief writes the site's pages too, in the same editor.
    page.goto("/admin/pages/page/add/")
    # Its body in the page's language, and the English edition's version in English.
    expect(page.get_by_role("textbox", name="Corps")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("textbox", name="Texte en anglais")).to_have_attribute("lang", "en")
    editor.assert_accessible(f"the page form {label}")
