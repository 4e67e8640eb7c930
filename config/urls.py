from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from accounts import views as accounts_views
from blog import sitemaps
from sitewide import views as sitewide_views

handler403 = sitewide_views.permission_denied
handler500 = sitewide_views.server_error

# Reader pages: in the site's language at the root, in the others under their prefix.
urlpatterns = i18n_patterns(
    path("", include("blog.urls")),
    path("", include("comments.urls")),
    path("", include("newsletter.urls")),
    path("author/", include("accounts.urls")),
    path("pages/", include("pages.urls")),
    prefix_default_language=False,
)
urlpatterns += [
    # The editors' tools answer the admin's scripts; before the admin's own catch-all.
    path("admin/editing/", include("editing.urls")),
    # Signing in takes a second step for the accounts that need one (accounts/twostep.py).
    path("admin/login/", accounts_views.sign_in),
    path("admin/security/", include("accounts.security_urls")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemaps.index, name="django.contrib.sitemaps.views.index"),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap,
        {"sitemaps": sitemaps.SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", sitewide_views.robots_txt, name="robots_txt"),
    path("healthz", sitewide_views.healthz, name="healthz"),
    path("readyz", sitewide_views.readyz, name="readyz"),
    path("csp-report", sitewide_views.csp_report, name="csp_report"),
]

if settings.ANYMAIL.get("WEBHOOK_SECRET"):
    # An email service's tracking webhooks: bounces and complaints end subscriptions
    # (newsletter/providers.py). Only with their basic auth's secret: without it anymail
    # accepts any post (with a mere warning) for the services that sign nothing, and
    # anyone could unsubscribe any address.
    urlpatterns += [path("anymail/", include("anymail.urls"))]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            sitewide_views.media,
        )
    ]
