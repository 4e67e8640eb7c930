from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.db import models
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from editing.models import Image


class LabelledFileInput(AdminFileWidget):
    """The file input under a <label> of its own: in a fieldset with a legend, as Django
    renders file inputs, screen readers and axe find it unnamed."""

    use_fieldset = False


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    formfield_overrides = {models.ImageField: {"widget": LabelledFileInput}}
    list_display = ["thumbnail", "alt", "caption", "credit", "dimensions", "uploaded_at"]
    list_display_links = ["alt"]
    search_fields = ["alt", "caption", "credit"]
    date_hierarchy = "uploaded_at"
    fields = ["file", "preview", "alt", "caption", "credit", "dimensions", "renditions_made"]
    readonly_fields = ["preview", "dimensions", "renditions_made"]

    @admin.display(description=_("image"))
    def thumbnail(self, image: Image) -> str:
        return format_html(
            '<img src="{}" alt="" width="120" class="library-thumbnail">', image.thumbnail_url
        )

    @admin.display(description=_("preview"))
    def preview(self, image: Image) -> str:
        if not image.pk:
            return "—"
        return format_html(
            '<img src="{}" srcset="{}" sizes="400px" alt="{}" width="400" '
            'class="library-preview">',
            image.url,
            image.srcset,
            image.alt,
        )

    @admin.display(description=_("size"))
    def dimensions(self, image: Image) -> str:
        return f"{image.width} × {image.height}" if image.pk else "—"

    @admin.display(description=_("smaller copies"))
    def renditions_made(self, image: Image) -> str:
        return ", ".join(f"{width} px" for width in image.renditions) or "—"

    def save_model(self, request: HttpRequest, obj: Image, form, change: bool) -> None:
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
