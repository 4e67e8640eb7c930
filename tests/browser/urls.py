"""The site's URLs, plus uploads served (by the view SERVE_MEDIA uses, with its headers)
from whatever MEDIA_ROOT the browser tests set, and the site's error handlers."""

from django.urls import re_path

from config.urls import handler403, handler500  # noqa: F401 (read by Django from here)
from config.urls import urlpatterns as site_urlpatterns
from sitewide.views import media

urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), *site_urlpatterns]
