from django.urls import path

from editing import views

app_name = "editing"
urlpatterns = [
    path("autosave/", views.autosave, name="autosave"),
    path("presence/", views.presence, name="presence"),
    path("images.json", views.image_choices, name="image_choices"),
    path("tags.json", views.tag_choices, name="tag_choices"),
    path("embed.json", views.embed, name="embed"),
]
