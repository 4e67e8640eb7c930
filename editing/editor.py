"""The rich-text editor of article bodies and pages, in the admin.

One line puts it on a model form's text field::

    class Meta:
        widgets = {"body": RichTextEditor()}

and ``warn_about_removed_images(request, form)`` in the ModelAdmin's ``save_model``
tells the editor which pasted images were dropped. The toolbar offers what the public
page shows: headings h2–h4, paragraphs, bold and italic, links, lists, quotes, tables,
and figures whose image comes from the library. The editor's schema drops everything
else on paste (a word processor's styles, classes, spans and fonts), and the model's
save still sanitises the result through sitewide.markup.
"""

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_prose_editor.widgets import AdminProseEditorWidget
from js_asset import Media, static_lazy

from sitewide.markup import removed_images

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
}
LIBRARY_MODULE = static_lazy("editing/prose-library.js")
# The words of the "insert an image from the library" dialog, in the admin's language.
LIBRARY_DIALOG_MESSAGES = {
    "title": gettext_lazy("Insert an image from the library"),
    "search": gettext_lazy("Search by alt text or caption"),
    "upload": gettext_lazy("Upload a new image (opens a new tab)"),
    "cancel": gettext_lazy("Cancel"),
    "none": gettext_lazy("No image found. Upload one to the library first."),
}


class RichTextEditor(AdminProseEditorWidget):
    """django-prose-editor's ProseMirror, limited to what Carnet's pages show."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(
            attrs={"rows": 20, **(attrs or {})},
            config={"extensions": EXTENSIONS},
            preset="configurable",
        )

    def get_config(self) -> dict:
        config = super().get_config()
        # Resolved at render time: the URLs exist once the admin is loaded.
        config["extensions"] = config["extensions"] | {
            "Figure": {
                "libraryUrl": reverse("editing:image_choices"),
                "uploadUrl": reverse("admin:editing_image_add"),
                "messages": LIBRARY_DIALOG_MESSAGES,
            }
        }
        config["js_modules"] = [*config["js_modules"], str(LIBRARY_MODULE)]
        return config

    @property
    def media(self):
        return super().media + Media(css={"all": ["editing/editor.css"]})


def warn_about_removed_images(request: HttpRequest, form: Form) -> None:
    """Tell the editor, by name, each image of a rich-text field that saving dropped."""
    for name, field in form.fields.items():
        if not isinstance(field.widget, RichTextEditor) or name not in form.cleaned_data:
            continue
        for src in removed_images(form.cleaned_data[name]):
            messages.warning(
                request,
                _(
                    "The image “%(src)s” was removed from the %(field)s: only images of "
                    "the library can be shown (readers' browsers would block any other). "
                    "Upload it to the library, then insert it from there."
                )
                % {"src": src or _("(no address)"), "field": field.label.lower()},
            )
