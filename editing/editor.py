"""The rich-text editor of article bodies and pages, in the admin.

One line puts it on a model form's text field::

    class Meta:
        widgets = {"body": RichTextEditor()}

and ``warn_about_removed_content(request, form)`` in the ModelAdmin's ``save_model``
tells the editor what saving dropped. The toolbar offers what the public page shows:
a block type (paragraph, headings h2–h4), bold and italic, links (Ctrl+K), lists,
quotes, tables, figures whose image comes from the library, and embeds of videos and
posts (sitewide/embeds.py). The editor's schema drops everything else on paste (a word
processor's styles, classes, spans and fonts), and the model's save still sanitises the
result through sitewide.markup. The body is spell-checked in the language of the
form's ``language`` field, and every word of the toolbar is in the admin's language.

The package's stylesheets are imported into a cascade layer of their own
(editing/static/editing/editor.css): Carnet's and the admin's rules come after them
whatever their specificity or the order the files load in.
"""

from django.conf import settings
from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django_prose_editor.widgets import (
    AdminProseEditorWidget,
    importmap,
    prose_editor_js,
    prose_editor_presets,
)
from js_asset import Media, static_lazy

from sitewide.markup import Removed, removed_content

EXTENSIONS = {
    "Heading": {"levels": [2, 3, 4]},
    "Bold": True,
    "Italic": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    # Figure and Image are editing/static/editing/prose-library.js's: the image keeps its
    # srcset, and the figure button inserts from the library.
    "Figure": True,
    "Caption": True,
    "Image": True,
    # The browser's spelling checker, in the article's language (prose-writing.js's
    # SpellCheck), instead of the package's default of none.
    "NoSpellCheck": False,
    "SpellCheck": True,
    # Videos and posts (prose-embeds.js), kept by the sanitiser as sitewide/embeds.py
    # draws them.
    "Embed": True,
}
JS_MODULES = [
    static_lazy("editing/prose-library.js"),
    static_lazy("editing/prose-writing.js"),
    static_lazy("editing/prose-embeds.js"),
]
# For the admins whose address field fills itself from the title (prepopulated_fields):
# slugs made in the browser as sitewide/slugs.py makes them on the server. Named after
# Django's urlify.js, which it wraps, so that the admin's media list it after.
SLUGS_JS = ["admin/js/urlify.js", "editing/slugs.js"]
# The words of the "insert an image from the library" dialog, in the admin's language.
LIBRARY_DIALOG_MESSAGES = {
    "title": gettext_lazy("Insert an image from the library"),
    "search": gettext_lazy("Search by alt text or caption"),
    "cancel": gettext_lazy("Cancel"),
    "none": gettext_lazy("No image found. Upload one above."),
    "images": gettext_lazy("Images of the library"),
    "upload": gettext_lazy("Add images"),
    "choose": gettext_lazy("Choose files"),
    "drop": gettext_lazy("or drop them here. Several at once if you like."),
    "describe": gettext_lazy("Describe each image before it is added to the library."),
    "alt": gettext_lazy("Alt text (required)"),
    "altHelp": gettext_lazy("What the image shows, for readers who cannot see it."),
    "caption": gettext_lazy("Caption"),
    "credit": gettext_lazy("Credit"),
    "send": gettext_lazy("Add to the library"),
    "remove": gettext_lazy("Leave out"),
    "sending": gettext_lazy("Adding {n} of {total}…"),
    "added": gettext_lazy("Added to the library: {names}. Choose one to insert it."),
    "failed": gettext_lazy("“{name}” was not added: {reason}"),
    "notImage": gettext_lazy("this is not an image file."),
    "new": gettext_lazy("New"),
}
# The toolbar's tooltips (and accessible names), by the package's name for each item.
MENU_LABELS = {
    "bulletList": gettext_lazy("Bulleted list"),
    "orderedList": gettext_lazy("Numbered list"),
    "blockquote": gettext_lazy("Quote"),
    "figure": gettext_lazy("Image from the library"),
    "embed": gettext_lazy("Video or post (YouTube, Vimeo, Dailymotion, PeerTube, Mastodon, X)"),
    "bold": gettext_lazy("Bold (Ctrl+B)"),
    "italic": gettext_lazy("Italic (Ctrl+I)"),
    "link": gettext_lazy("Link (Ctrl+K)"),
    "unlink": gettext_lazy("Remove the link"),
    "table": gettext_lazy("Insert a table"),
    "table:addColumnAfter": gettext_lazy("Add a column"),
    "table:deleteColumn": gettext_lazy("Delete the column"),
    "table:addRowAfter": gettext_lazy("Add a row"),
    "table:deleteRow": gettext_lazy("Delete the row"),
    "table:mergeCells": gettext_lazy("Merge the cells"),
    "table:splitCell": gettext_lazy("Split the cell"),
    "table:toggleHeaderCell": gettext_lazy("Header cell or not"),
    "table:deleteTable": gettext_lazy("Delete the table"),
    "history:undo": gettext_lazy("Undo (Ctrl+Z)"),
    "history:redo": gettext_lazy("Redo (Ctrl+Shift+Z)"),
}
BLOCK_TYPES = {
    "label": gettext_lazy("Block type"),
    "paragraph": gettext_lazy("Paragraph"),
    "heading2": pgettext_lazy("block type", "Heading 2"),
    "heading3": pgettext_lazy("block type", "Heading 3"),
    "heading4": pgettext_lazy("block type", "Heading 4"),
    "other": gettext_lazy("Other"),
}
# The package's own groups, but the block type is Carnet's <select> (prose-writing.js).
MENU_GROUPS = [
    {"group": "lists"},
    {"group": "nodes -blockType -lists"},
    {"group": "marks"},
    {"group": "link"},
    {"group": "table"},
    {"group": "history"},
]
LINK_MESSAGES = {
    "text": gettext_lazy("Text of the link"),
    "insert": gettext_lazy("Insert the link"),
}
EMBED_MESSAGES = {
    "title": gettext_lazy("Embed a video or a post"),
    "edit": gettext_lazy("Edit the embed"),
    "url": gettext_lazy("Address of the video or the post"),
    "urlHelp": gettext_lazy(
        "YouTube, Vimeo, Dailymotion or PeerTube ({peertube}); a Mastodon or X post. Nothing "
        "is loaded from these sites until a reader asks for it."
    ),
    "videoTitle": gettext_lazy("Title of the video"),
    "author": gettext_lazy("Author of the post"),
    "text": gettext_lazy("Text of the post"),
    "insert": gettext_lazy("Insert"),
    "update": gettext_lazy("Update"),
    "cancel": gettext_lazy("Cancel"),
    "looking": gettext_lazy("Looking the address up…"),
    "invalid": gettext_lazy(
        "This address is not a video or a post that can be embedded. It stays a link."
    ),
    "unknown": gettext_lazy("Not a video or a post that can be embedded: removed on save."),
    "video": gettext_lazy("Video"),
    "post": gettext_lazy("Post"),
}


class RichTextEditor(AdminProseEditorWidget):
    """django-prose-editor's ProseMirror, limited to what Carnet's pages show."""

    def __init__(
        self, attrs: dict | None = None, *, language_field: str = "language", language: str = ""
    ) -> None:
        """`language` fixes the spelling checker's language for a text that is always
        written in one (a page's English version); otherwise it follows the form's
        `language_field`."""
        super().__init__(
            attrs={"rows": 20, **(attrs or {})},
            config={"extensions": EXTENSIONS},
            preset="configurable",
        )
        self.language_field = "" if language else language_field
        self.language = language

    def get_config(self) -> dict:
        config = super().get_config()
        # Resolved at render time: the URLs exist once the admin is loaded.
        config["extensions"] = config["extensions"] | {
            "Figure": {
                "libraryUrl": reverse("editing:image_choices"),
                "uploadUrl": reverse("admin:editing_image_upload"),
                "messages": LIBRARY_DIALOG_MESSAGES,
            },
            "Menu": {"groups": MENU_GROUPS, "labels": MENU_LABELS, "blockTypes": BLOCK_TYPES},
            "Link": EXTENSIONS["Link"] | {"messages": LINK_MESSAGES},
            "SpellCheck": {
                "languageField": self.language_field,
                "language": self.language or settings.LANGUAGE_CODE,
            },
            "Embed": {
                "lookupUrl": reverse("editing:embed"),
                "messages": EMBED_MESSAGES
                | {"urlHelp": EMBED_MESSAGES["urlHelp"].format(peertube=_peertube_hosts())},
            },
        }
        config["js_modules"] = [*config["js_modules"], *map(str, JS_MODULES)]
        return config

    @property
    def media(self) -> Media:
        # The package's media without its stylesheets: editing/editor.css imports them
        # into a cascade layer, below Carnet's rules.
        return Media(
            importmap=importmap,
            css={"all": ["editing/editor.css"]},
            js=[prose_editor_js, *prose_editor_presets()[self.preset]],
        )


def _peertube_hosts() -> str:
    return ", ".join(settings.EMBED_PEERTUBE_HOSTS) or "—"


def _describe(removed: Removed, field: str) -> str:
    address = removed.address or _("(no address)")
    words = {
        "image": _(
            "The image “%(address)s” was removed from the %(field)s: only images of the "
            "library can be shown (readers' browsers would block any other). Upload it to "
            "the library, then insert it from there."
        ),
        "frame": _(
            "The frame “%(address)s” was removed from the %(field)s: only videos from "
            "YouTube, Vimeo, Dailymotion and PeerTube can be embedded, with the toolbar's "
            "video button or by pasting their address."
        ),
        "embed": _(
            "The embed “%(address)s” was removed from the %(field)s: it is not the address "
            "of a video or a post that can be embedded."
        ),
        "script": _(
            "A script (%(address)s) was removed from the %(field)s: scripts never run in "
            "an article."
        ),
        "plugin": _(
            "An embedded object (%(address)s) was removed from the %(field)s: browsers no "
            "longer show plug-ins."
        ),
        "media": _(
            "A video or sound file (%(address)s) was removed from the %(field)s: embed it "
            "from YouTube, Vimeo, Dailymotion or PeerTube instead."
        ),
        "drawing": _(
            "A drawing (SVG or MathML) was removed from the %(field)s: upload it to the "
            "library as an image instead."
        ),
        "form": _(
            "A form (%(address)s) was removed from the %(field)s: an article cannot send anything."
        ),
    }[removed.kind]
    return words % {"address": address, "field": field}


def warn_about_removed_content(request: HttpRequest, form: Form) -> None:
    """Tell the editor, by name, each thing of a rich-text field that saving dropped.

    The saved body no longer holds them (the model saves it sanitised), so the editor
    shows what readers will see and the warning is not given again at the next save.
    """
    for name, field in form.fields.items():
        if not isinstance(field.widget, RichTextEditor) or name not in form.cleaned_data:
            continue
        for removed in removed_content(form.cleaned_data[name]):
            messages.warning(request, _describe(removed, str(field.label).lower()))
