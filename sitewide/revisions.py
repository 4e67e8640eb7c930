"""Revisions in the admin: every save keeps one, an editor compares two and restores one.

django-reversion stores the revisions; RevisionAdmin is the one admin class articles
and pages share for them. A revision's comment is stored as JSON naming the changed
fields (``{"changed": ["title", "body"]}``), never as words: it is put into words when
shown, in the reader's language, from the model's own translated field names.

A restore brings back what the editor wrote (``revision_restore_fields``), never the
state of the workflow (status, publication time, author): restoring an old revision
cannot publish anything. It saves through the model, so the body is sanitised again,
and keeps a revision of its own.
"""

import datetime
import difflib
import html
import json
import re
from dataclasses import dataclass

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from reversion.models import Version

# Block ends that become line breaks when an HTML body is shown as text.
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|figcaption|tr|pre)>|<br\s*/?>", re.I)
# Words, runs of spaces and single punctuation marks: what a diff compares.
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


def comment_for(changed: list[str] | None = None, **extra) -> str:
    """A revision's comment, as stored: the changed fields' names and any event."""
    return json.dumps({"changed": list(changed or []), **extra})


def describe(comment: str, model: type[models.Model], events: dict | None = None) -> str:
    """A stored comment in words, in the active language: "Changed title, body.".

    ``events`` gives the words of each event a subclass notes ({"submitted": "Submitted
    for review."}); "%(when)s" in them is the event's time.
    """
    try:
        data = json.loads(comment)
    except ValueError:
        return comment  # written by hand (the demo, a shell)
    if not isinstance(data, dict):
        return comment
    parts = []
    if data.get("added"):
        parts.append(_("Created."))
    if data.get("restored"):
        when = parse_datetime(data["restored"])
        parts.append(
            _("Restored the revision of %(date)s.") % {"date": _local(when)}
            if when
            else _("Restored an earlier revision.")
        )
    words = (events or {}).get(data.get("event"))
    if words:
        when = parse_datetime(data.get("when") or "")
        parts.append(str(words) % {"when": _local(when) if when else ""})
    names = [_field_label(model, name) for name in data.get("changed", [])]
    if names and not data.get("added"):
        parts.append(_("Changed %(fields)s.") % {"fields": ", ".join(names)})
    return " ".join(parts) or _("Saved without changes.")


def _local(when: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(when), "DATETIME_FORMAT")


def _field_label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a field since removed: its name is all there is
        return name


@dataclass
class FieldDiff:
    label: str
    segments: list[tuple[str, str]]  # ("same" | "del" | "ins", text)


def diff_text(old: str, new: str) -> list[tuple[str, str]]:
    """Word-by-word differences between two texts."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    segments = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(("ins", "".join(b[j1:j2])))
    return segments


def html_as_text(value: str) -> str:
    """What a reader reads of an HTML body, one block a line."""
    text = html.unescape(strip_tags(_BLOCK_END.sub("\n", value)))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


class RevisionAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves keep revisions, with compare and restore in "History".

    Set ``revision_compare_fields`` (shown side by side in a comparison) and
    ``revision_restore_fields`` (brought back by a restore); register the model with
    reversion, naming the fields a revision keeps.
    """

    object_history_template = "admin/revisions/history.html"
    revision_compare_fields: list[str] = []
    revision_restore_fields: list[str] = []
    # Fields holding HTML, compared as the text a reader reads.
    revision_html_fields: list[str] = ["body"]

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/compare/",
                view(self.compare_view),
                name=f"{prefix}_compare",
            ),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                view(self.restore_view),
                name=f"{prefix}_restore",
            ),
            *super().get_urls(),
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def construct_change_message(self, request, form, formsets, add=False):
        """Name the changed fields in the revision too (the form saved them just now)."""
        extra = self.revision_extra(request, form.instance)
        reversion.set_comment(comment_for(form.changed_data, added=add, **extra))
        return super().construct_change_message(request, form, formsets, add)

    # Words for the events revision_extra() notes, by key.
    revision_events: dict = {}

    def revision_extra(self, request: HttpRequest, obj) -> dict:
        """More to note in the revision about to be kept ({"event": key, "when": iso})."""
        return {}

    # The views.

    def _versions(self, obj) -> models.QuerySet:
        return (
            Version.objects.get_for_object(obj)
            .select_related("revision__user")
            .order_by("-revision__date_created", "-pk")
        )

    def _object_or_404(self, request: HttpRequest, object_id: str):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No such object."))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def history_view(self, request, object_id, extra_context=None):
        obj = self._object_or_404(request, object_id)
        versions = list(self._versions(obj)[:200])
        for version in versions:
            version.description = describe(
                version.revision.comment, self.model, self.revision_events
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revisions of “%(object)s”") % {"object": obj},
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "module_name": capfirst(self.opts.verbose_name_plural),
            "versions": versions,
            "can_restore": self.has_change_permission(request, obj),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def compare_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._object_or_404(request, object_id)
        versions = self._versions(obj)
        try:
            old = versions.get(pk=int(request.GET.get("from", "")))
            new = versions.get(pk=int(request.GET.get("to", "")))
        except (ValueError, Version.DoesNotExist):
            raise Http404(_("Choose two revisions of this object to compare.")) from None
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        return self._render_comparison(
            request,
            obj,
            old,
            new,
            title=_("Compare two revisions of “%(object)s”") % {"object": obj},
        )

    def restore_view(self, request: HttpRequest, object_id: str, version_id: int) -> HttpResponse:
        """GET: what restoring would change, and a button; POST: restore, as a new revision."""
        obj = self._object_or_404(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        try:
            version = self._versions(obj).get(pk=version_id)
        except Version.DoesNotExist:
            raise Http404(_("No such revision of this object.")) from None
        if request.method == "POST":
            return self._restore(request, obj, version)
        return self._render_comparison(
            request,
            obj,
            version,
            None,
            title=_("Restore a revision of “%(object)s”") % {"object": obj},
            restoring=True,
        )

    def _render_comparison(self, request, obj, old, new, *, title, restoring=False):
        old_values = old.field_dict
        new_values = new.field_dict if new is not None else self._current_values(obj)
        fields = []
        for name in self.revision_compare_fields:
            field = self.model._meta.get_field(name)
            before = self._as_text(field, old_values.get(field.attname))
            after = self._as_text(field, new_values.get(field.attname))
            if before != after:
                fields.append(FieldDiff(capfirst(field.verbose_name), diff_text(before, after)))
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "module_name": capfirst(self.opts.verbose_name_plural),
            "old": old,
            "new": new,
            "fields": fields,
            "restoring": restoring,
            "can_restore": self.has_change_permission(request, obj),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/revisions/compare.html", context)

    def _current_values(self, obj) -> dict:
        return {
            field.attname: getattr(obj, field.attname)
            for field in self.model._meta.concrete_fields
        }

    def _as_text(self, field: models.Field, value) -> str:
        if value is None or value == "":
            return ""
        if field.name in self.revision_html_fields:
            return html_as_text(str(value))
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if field.is_relation:
            related = field.related_model._default_manager.filter(pk=value).first()
            return str(related) if related is not None else _("(deleted)")
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, datetime.datetime):
            return _local(value)
        return str(value)

    @transaction.atomic
    def _restore(self, request: HttpRequest, obj, version: Version) -> HttpResponse:
        values = version.field_dict
        restored = []
        for name in self.revision_restore_fields:
            field = self.model._meta.get_field(name)
            if field.attname not in values:
                continue
            value = values[field.attname]
            if (
                field.is_relation
                and value is not None
                and not field.related_model._default_manager.filter(pk=value).exists()
            ):
                continue  # what it pointed to is gone: keep today's choice
            if getattr(obj, field.attname) != value:
                setattr(obj, field.attname, value)
                restored.append(name)
        try:
            obj.full_clean(exclude=self._not_restored())
        except ValidationError as error:
            transaction.set_rollback(True)
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self._history_url(obj))
        when = version.revision.date_created
        with reversion.create_revision(atomic=False):
            reversion.set_user(request.user)
            reversion.set_comment(comment_for(restored, restored=when.isoformat()))
            obj.save()
        self.log_change(request, obj, [{"changed": {"fields": restored}}])
        messages.success(
            request,
            _("The revision of %(date)s is restored, and kept as a new revision.")
            % {"date": _local(when)},
        )
        return HttpResponseRedirect(self._history_url(obj))

    def _not_restored(self) -> list[str]:
        return [
            field.name
            for field in self.model._meta.concrete_fields
            if field.name not in self.revision_restore_fields
        ]

    def _history_url(self, obj) -> str:
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_history"
        return reverse(name, args=[obj.pk], current_app=self.admin_site.name)
