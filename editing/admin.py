from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from editing.models import Image
from sitewide.uploads import STORE_UNAVAILABLE, MediaStoreUnavailable


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

    def has_change_permission(self, request: HttpRequest, obj: Image | None = None) -> bool:
        if obj is not None and not self._may_change_all_that_show(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def _may_change_all_that_show(self, request: HttpRequest, image: Image) -> bool:
        """An image changes every page that shows it (an article's cover): it is changed
        only by those who may change each object using it, as its own admin says.

        Read from the relations that point at Image, so that this app names none of the
        apps above it."""
        for relation in Image._meta.get_fields(include_hidden=True):
            if not (relation.auto_created and not relation.concrete):
                continue
            if not self.admin_site.is_registered(relation.related_model):
                continue
            model_admin = self.admin_site.get_model_admin(relation.related_model)
            users = relation.related_model._default_manager.filter(**{relation.field.name: image})
            if not all(model_admin.has_change_permission(request, user) for user in users):
                return False
        return True

    def save_model(self, request: HttpRequest, obj: Image, form, change: bool) -> None:
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self) -> list:
        upload = self.admin_site.admin_view(require_POST(self.upload_view))
        return [path("upload/", upload, name="editing_image_upload"), *super().get_urls()]

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        """One image added from the editor's library dialog, answered in JSON.

        The add form's own path: its permission, its form (the file, the alt text, the
        caption and the credit, validated as on the add page), save_model and the admin's
        history. 201 with the image as the editor inserts it; 400 with each field's
        errors; 403 without the right to add images.
        """
        if not self.has_add_permission(request):
            return JsonResponse({"error": gettext("You may not add images.")}, status=403)
        form = self.get_form(request, None, change=False)(request.POST, request.FILES)
        if not form.is_valid():
            errors = {
                field: [error["message"] for error in field_errors]
                for field, field_errors in form.errors.get_json_data().items()
            }
            return JsonResponse({"errors": errors}, status=400)
        try:
            # All or nothing, as the add page's own transaction.
            with transaction.atomic():
                image = self.save_form(request, form, change=False)
                self.save_model(request, image, form, change=False)
                self.save_related(request, form, formsets=[], change=False)
                self.log_addition(request, image, self.construct_change_message(request, form, []))
        except MediaStoreUnavailable:
            # The store failed after the form's check of it: nothing is kept.
            return JsonResponse({"errors": {"file": [str(STORE_UNAVAILABLE)]}}, status=503)
        return JsonResponse({"image": image.as_editor_json()}, status=201)
