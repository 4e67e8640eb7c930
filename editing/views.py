import datetime
import json

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from reversion.models import Version
from taggit.models import Tag

from editing.models import Autosave, EditingSession, Image, presence_interval
from sitewide import embeds
from sitewide.revisions import latest_revision_id

# An autosave holds one form's text; more than this is not an article being typed.
AUTOSAVE_MAX_BYTES = 1_000_000
CHOICES_SHOWN = 30
DRAFTS_LISTED = 10
TAGS_SHOWN = 10


def _is_staff(user) -> bool:
    return user.is_active and user.is_staff


@never_cache
@require_GET
def image_choices(request: HttpRequest) -> HttpResponse:
    """The library's images for the editor's "insert image" dialog, newest first."""
    if not (_is_staff(request.user) and request.user.has_perm("editing.view_image")):
        return HttpResponse(status=403)
    images = Image.objects.all()
    if query := request.GET.get("q", "").strip()[:100]:
        images = images.filter(Q(alt__icontains=query) | Q(caption__icontains=query))
    return JsonResponse({"images": [image.as_editor_json() for image in images[:CHOICES_SHOWN]]})


@never_cache
@require_GET
def tag_choices(request: HttpRequest) -> HttpResponse:
    """Existing tags for the tags field's suggestions: those starting with what was typed
    first, then those containing it, the most used first."""
    if not (_is_staff(request.user) and request.user.has_perm("taggit.view_tag")):
        return HttpResponse(status=403)
    query = request.GET.get("q", "").strip()[:100]
    if not query:
        return JsonResponse({"tags": []})
    tags = (
        _tags_shown_to(request)
        .filter(name__icontains=query)
        .annotate(
            starts=Case(
                When(name__istartswith=query, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            uses=Count("taggit_taggeditem_items"),
        )
        .order_by("starts", "-uses", "name")
        .values_list("name", flat=True)
    )
    return JsonResponse({"tags": list(tags[:TAGS_SHOWN])})


def _tags_shown_to(request: HttpRequest):
    """The tags this user may see, as the tag admin's queryset says (blog's rule: no tag
    of an embargoed story), without this app naming the apps above it."""
    if not admin.site.is_registered(Tag):
        return Tag.objects.none()
    return admin.site.get_model_admin(Tag).get_queryset(request)


@never_cache
@require_GET
def embed(request: HttpRequest) -> HttpResponse:
    """What the editor embeds for ?url=: a video (with its title) or a post (with its
    author and text), as sitewide.embeds recognises it and its provider describes it.
    400 with the reason for an address that is neither."""
    if not _is_staff(request.user):
        return HttpResponse(status=403)
    found = embeds.recognise(request.GET.get("url", ""))
    if found is None:
        return JsonResponse(
            {"error": _("This address is not a video or a post that can be embedded.")},
            status=400,
        )
    return JsonResponse(embeds.lookup(found).as_json())


@never_cache
@require_http_methods(["GET", "POST"])
def autosave(request: HttpRequest) -> HttpResponse:
    """Keep, give back or discard what an editor typed in one admin form, for them alone.

    GET ?path= answers the kept fields (or ``{}``), and for a new form (``…/add/?draft=
    <key>``) the editor's other new forms of the kind under "others"; POST path and
    data (the fields as JSON) keeps them, POST path and discard forgets them. The object
    the form edits is never touched.
    """
    if not _is_staff(request.user):
        return HttpResponse(status=403)
    params = request.POST if request.method == "POST" else request.GET
    path = params.get("path", "")
    if not path.startswith(reverse("admin:index")) or len(path) > 300:
        return HttpResponseBadRequest("Not an admin form.")
    kept = Autosave.objects.for_form(request.user, path)
    if request.method == "GET":
        found = kept.fresh().first()
        answer = _describe(found) if found else {}
        if "?draft=" in path:
            # A new form is offered its own draft only; the others are listed, to go back to.
            others = Autosave.objects.other_new_forms(request.user, path).fresh()
            answer["others"] = [_describe_other(other) for other in others[:DRAFTS_LISTED]]
        return JsonResponse(answer)
    if "discard" in params:
        kept.delete()
        return JsonResponse({})
    raw = params.get("data", "")
    try:
        data = json.loads(raw) if len(raw) <= AUTOSAVE_MAX_BYTES else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return HttpResponseBadRequest("The fields are not a JSON object.")
    found, _created = Autosave.objects.update_or_create(
        user=request.user, path=path, defaults={"data": data}
    )
    Autosave.objects.filter(user=request.user).stale().delete()
    return JsonResponse(_describe(found))


def _describe_other(autosave: Autosave) -> dict:
    return {
        "url": autosave.path,
        "title": str(autosave.data.get("title") or "").strip()[:200] or _("Untitled"),
        "saved_at_display": formats.date_format(
            timezone.localtime(autosave.saved_at), "DATETIME_FORMAT"
        ),
    }


def _describe(autosave: Autosave) -> dict:
    return {
        "data": autosave.data,
        "saved_at": autosave.saved_at.isoformat(),
        "saved_at_display": formats.date_format(
            timezone.localtime(autosave.saved_at), "DATETIME_FORMAT"
        ),
        "saved_time_display": formats.time_format(
            timezone.localtime(autosave.saved_at), "TIME_FORMAT"
        ),
    }


@never_cache
@require_POST
def presence(request: HttpRequest) -> HttpResponse:
    """The heartbeat of an open change form (editing/static/editing/presence.js).

    POST path (the form's address) says this editor has it open, and answers who else
    does ({"others": [{"name", "since"}]}) and, given edited_from (the revision the form
    was opened on), who saved the object since ({"saved": {"name", "at"}}). POST path and
    leave says the form is closed. Only for a change form of an object this editor may
    change: 403 otherwise, so that nobody learns who edits what they cannot.
    """
    if not _is_staff(request.user):
        return HttpResponse(status=403)
    path = request.POST.get("path", "")
    if not path.startswith(reverse("admin:index")) or len(path) > 300:
        return HttpResponseBadRequest("Not an admin form.")
    obj = _object_changed_at(request, path)
    if obj is None:
        return HttpResponse(status=403)
    if "leave" in request.POST:
        EditingSession.objects.filter(user=request.user, path=path).delete()
        return JsonResponse({})
    _session, created = EditingSession.objects.update_or_create(user=request.user, path=path)
    if created:  # now and then, the sessions of tabs that never said goodbye go
        EditingSession.objects.filter(
            last_seen__lt=timezone.now() - datetime.timedelta(days=1)
        ).delete()
    answer = {
        "every": presence_interval().total_seconds(),
        "others": [
            {"name": str(other.user), "since": _time(other.started_at)}
            for other in EditingSession.objects.others_on(path, request.user)
        ],
    }
    edited_from = request.POST.get("edited_from", "")
    if edited_from and edited_from != str(latest_revision_id(obj)):
        latest = (
            Version.objects.get_for_object(obj)
            .select_related("revision__user")
            .order_by("-pk")
            .first()
        )
        saver = latest.revision.user if latest else None
        answer["saved"] = {
            "name": str(saver) if saver else _("Someone"),
            "at": _time(latest.revision.date_created) if latest else "",
        }
    return JsonResponse(answer)


def _object_changed_at(request: HttpRequest, path: str):
    """The object whose admin change form is at path, if this editor may change it."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    # The admin's own views carry their ModelAdmin: its queryset and permission decide.
    model_admin = getattr(match.func, "model_admin", None)
    if model_admin is None or not (match.url_name or "").endswith("_change"):
        return None
    obj = model_admin.get_object(request, unquote(match.kwargs.get("object_id", "")))
    if obj is None or not model_admin.has_change_permission(request, obj):
        return None
    return obj


def _time(when) -> str:
    return formats.time_format(timezone.localtime(when), "TIME_FORMAT")
