import json
import logging
import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.static import serve

from sitewide.middleware import outage_response


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")


# What every uploaded file is served with, by Carnet (SERVE_MEDIA) as by nginx
# (docs/deploy.md): its type is the one its name says, never sniffed, and it never runs
# as a page of the site's origin (sandboxed, allowed to load nothing).
MEDIA_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
}


@require_safe
def media(request: HttpRequest, path: str) -> HttpResponse:
    """An uploaded file, from MEDIA_ROOT, when Carnet serves them itself (SERVE_MEDIA)."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    for name, value in MEDIA_HEADERS.items():
        response.headers[name] = value
    return response


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers; the database is not touched."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


# A browser's report is a few hundred bytes; anything much larger is not one.
CSP_REPORT_MAX_BYTES = 16 * 1024
csp_logger = logging.getLogger("carnet.csp")
# What a report says about what was blocked where, in report-uri's and the Reporting
# API's spelling; the rest (the page's whole policy, a script sample) is left out.
CSP_REPORT_FIELDS = frozenset({
    "document-uri", "documentURL", "violated-directive", "effective-directive",
    "effectiveDirective", "blocked-uri", "blockedURL", "source-file", "sourceFile",
    "line-number", "lineNumber",
})  # fmt: skip


@csrf_exempt
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Log a Content Security Policy violation a browser reports (report-uri).

    The body is the browser's JSON, logged at WARNING with the fields that say what
    was blocked where; it is never trusted, and no input answers 500.
    """
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    body = request.read(CSP_REPORT_MAX_BYTES + 1)
    if len(body) > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        report = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested past the parser's depth
        return HttpResponse(status=400)
    # report-uri sends {"csp-report": {...}}; the Reporting API a list of {"body": {...}}.
    reports = report if isinstance(report, list) else [report]
    for item in reports[:10]:
        if not isinstance(item, dict):
            continue
        details = item.get("csp-report", item.get("body", item))
        if not isinstance(details, dict):
            continue
        fields = {k: str(v)[:300] for k, v in details.items() if k in CSP_REPORT_FIELDS}
        # %r: the values come from the client; no line break reaches the log as is.
        csp_logger.warning("CSP violation: %r", fields)
    return HttpResponse(status=204)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page; 503 when what failed, outside any view, was reaching the database.

    Views' database errors are answered by sitewide.middleware.DatabaseOutageMiddleware;
    this catches the rest (a middleware saving a session, say). Django logs each one.
    """
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return outage_response(request)
    return defaults.server_error(request)


# What an editor writes in the admin's forms, by the label it is shown under: a refused
# form gives it back to be copied. Named one by one, so that no secret a form may hold
# (a password, a code) is ever shown again.
WRITTEN_FIELDS = {
    "title": gettext_lazy("title"),
    "standfirst": gettext_lazy("standfirst"),
    "body": gettext_lazy("body"),
    "seo_description": gettext_lazy("SEO description"),
    "title_en": gettext_lazy("title in English"),
    "body_en": gettext_lazy("body in English"),
    "review_note": gettext_lazy("Why it goes back"),
}


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 403 page; in the admin, a page of the admin, in the staff member's language,
    with the admin around it and a way back, and what the refused form held of the
    editor's writing, to copy: nothing typed is lost."""
    from django.contrib import admin

    user = getattr(request, "user", None)
    if request.path.startswith(reverse("admin:index")) and user and user.is_staff:
        written = [
            (capfirst(label), request.POST[name])
            for name, label in WRITTEN_FIELDS.items()
            if request.method == "POST" and request.POST.get(name, "").strip()
        ]
        context = {
            **admin.site.each_context(request),
            "title": _("Not allowed"),
            "written": written,
        }
        response = TemplateResponse(request, "admin/403.html", context, status=403)
        return response.render()
    return defaults.permission_denied(request, exception)
