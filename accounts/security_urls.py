"""Sign-in security, under the admin's address (/admin/security/): the second step of
signing in, setting up devices, backup codes and one's sessions."""

from django.contrib import admin
from django.urls import path

from accounts import passkeys, views
from accounts.twostep import second_step

app_name = "security"

# The steps of signing in see the account that owes them; the other pages are the
# admin's own (a whole sign-in, staff only).
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("set-up/", views.enrol, name="enrol"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path(
        "passkeys/register/begin/",
        second_step(passkeys.RegistrationBegin.as_view()),
        name="passkey_register_begin",
    ),
    path(
        "passkeys/register/complete/",
        second_step(passkeys.RegistrationComplete.as_view()),
        name="passkey_register_complete",
    ),
    path(
        "passkeys/verify/begin/",
        second_step(passkeys.AuthenticationBegin.as_view()),
        name="passkey_verify_begin",
    ),
    path(
        "passkeys/verify/complete/",
        second_step(passkeys.AuthenticationComplete.as_view()),
        name="passkey_verify_complete",
    ),
    path("", admin.site.admin_view(views.overview), name="overview"),
    path("backup-codes/", admin.site.admin_view(views.backup_codes), name="backup_codes"),
    path(
        "remove/<str:kind>/<int:pk>/",
        admin.site.admin_view(views.remove_device),
        name="remove_device",
    ),
    path("sessions/", admin.site.admin_view(views.sessions), name="sessions"),
]
