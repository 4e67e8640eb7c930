from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("<slug:slug>/contact/", views.contact, name="contact"),
]
