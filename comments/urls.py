from django.urls import path

from comments import feeds, views

app_name = "comments"

urlpatterns = [
    path("articles/<slug:slug>/comment/", views.post_comment, name="post"),
    path("articles/<slug:slug>/forget-me/", views.forget_me, name="forget"),
    path("articles/<slug:slug>/comments/<int:pk>/", views.comment, name="comment"),
    path("feed/comments/", feeds.LatestCommentsFeed(), name="feed"),
    path("comments/confirm/", views.confirm_open, name="confirm_open"),
    path("comments/confirm/<str:token>/", views.confirm, name="confirm"),
    path("comments/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("comments/manage/", views.manage_request, name="manage_request"),
    path("comments/manage/open/", views.manage_open, name="manage_open"),
    path("comments/manage/mine/", views.manage, name="manage"),
    path("comments/manage/mine/<int:pk>/edit/", views.manage_edit, name="manage_edit"),
    path("comments/manage/mine/<int:pk>/delete/", views.manage_delete, name="manage_delete"),
    path("comments/manage/mine/download/", views.manage_download, name="manage_download"),
    path("comments/manage/mine/erase/", views.manage_erase, name="manage_erase"),
    path("comments/manage/<str:token>/", views.manage_legacy, name="manage_legacy"),
]
