from django.urls import path

from comments import feeds, views

app_name = "comments"

urlpatterns = [
    path("articles/<slug:slug>/comment/", views.post_comment, name="post"),
    path("articles/<slug:slug>/comments/<int:pk>/", views.comment, name="comment"),
    path("feed/comments/", feeds.LatestCommentsFeed(), name="feed"),
]
