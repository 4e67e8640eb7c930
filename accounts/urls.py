from django.urls import path

from accounts import views
from blog.feeds import AuthorFeed

app_name = "accounts"

urlpatterns = [
    path("<slug:slug>/", views.author, name="author"),
    path("<slug:slug>/contact/", views.contact, name="contact"),
    path("<slug:slug>/feed/", AuthorFeed(), name="author_feed"),
]
