from django.urls import path
from django.views.i18n import JavaScriptCatalog

from editing import views

app_name = "editing"
urlpatterns = [
    path("autosave/", views.autosave, name="autosave"),
    path("images.json", views.image_choices, name="image_choices"),
    # The editor's own words (its dialogs' labels and buttons) in the admin's language.
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_prose_editor"]),
        name="jsi18n",
    ),
]
