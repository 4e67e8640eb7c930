from django.urls import path

from newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("newsletter/", views.sign_up, name="sign_up"),
    path("newsletter/sent/", views.sent, name="sent"),
    path("newsletter/confirm/<str:token>/", views.confirm, name="confirm"),
    path("newsletter/manage/<str:token>/", views.manage, name="manage"),
    path("newsletter/manage/<str:token>/erase/", views.erase, name="erase"),
    path("newsletter/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
