from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path
from django.views.i18n import JavaScriptCatalog


class CarnetAdminSite(admin.AdminSite):
    """Django's admin site, whose JavaScript catalogue also holds the rich-text editor's
    translations: its dialogs ("Edit Link", "Open in new window") then speak French."""

    def has_permission(self, request: HttpRequest) -> bool:
        """Django's rule, and django-otp's OTPAdminSite's for the accounts that need a
        second step: a session that has not given it is not let in. The accounts'
        TwoStepMiddleware says which sessions owe one; without it, none is let in."""
        owed = getattr(request, "second_step_owed", None)
        return super().has_permission(request) and owed is not None and not owed()

    def get_urls(self) -> list:
        # Django's view-on-site shortcut answers any object's address to any staff
        # member, a draft's (its slug, the embargoed story's subject) too.
        on_site = path(
            "r/<path:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        return [on_site if getattr(url, "name", "") == "view_on_site" else url
                for url in super().get_urls()]  # fmt: skip

    def view_on_site(
        self, request: HttpRequest, content_type_id: str, object_id: str
    ) -> HttpResponse:
        """Where the admin's "View on site" leads, for an object the user may see there
        (its ModelAdmin's queryset and view permission); else what the admin says of an
        object that does not exist."""
        # Imported here, as Django's get_urls() does: this module is imported before
        # the models are ready.
        from django.contrib.contenttypes.models import ContentType
        from django.contrib.contenttypes.views import shortcut

        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ValueError, ContentType.DoesNotExist):
            raise Http404 from None
        if not self.is_registered(model):
            raise Http404
        model_admin = self.get_model_admin(model)
        obj = model_admin.get_object(request, unquote(object_id))
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            return model_admin._get_obj_does_not_exist_redirect(request, model._meta, object_id)
        if callable(model_admin.view_on_site):
            # The ModelAdmin says where (or that there is no public page yet).
            url = model_admin.view_on_site(obj)
            if not url:
                return model_admin._get_obj_does_not_exist_redirect(
                    request, model._meta, object_id
                )
            return HttpResponseRedirect(url)
        if not model_admin.view_on_site:
            raise Http404
        return shortcut(request, content_type_id, object_id)

    def i18n_javascript(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        packages = ["django.contrib.admin", "django_prose_editor"]
        return JavaScriptCatalog.as_view(packages=packages)(request)
