"""Revisions in the admin: every save keeps one, an editor compares two and restores one.

django-reversion stores the revisions; RevisionAdmin is the one admin class articles
and pages share for them. A revision's comment is stored as JSON naming the changed
fields (``{"changed": ["title", "body"]}``), never as words: it is put into words when
shown, in the reader's language, from the model's own translated field names.

A restore brings back what the editor wrote (``revision_restore_fields``), never the
state of the workflow (status, publication time, author): restoring an old revision
cannot publish anything. It saves through the model, so the body is sanitised again,
and keeps a revision of its own.

No save overwrites another unseen (Wagtail's RFC 95, WordPress's post lock): the change
form carries the revision it was opened on (``_edited_from``), and a save from a form
opened before someone else's save is refused with a conflict page that keeps the
refused fields, shows what the other changed and lets the editor keep theirs, take the
other's or merge field by field in the form. A form whose object was deleted meanwhile
gets a page that keeps its fields and offers them to a new draft.
"""

import copy
import datetime
import difflib
import html
import json
import re
from dataclasses import dataclass

import reversion
from django.contrib import admin, messages
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
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
# The change form's hidden field naming the revision it was opened on (0: none yet).
EDITED_FROM = "_edited_from"
# What a conflict page posts back: "merge" (the form, with the fields chosen by
# "_take_<name>") or "new_draft" (the add form, with the fields of a deleted object).
RESOLVE = "_conflict"
TAKE = "_take_"


def latest_revision_id(obj: models.Model) -> int:
    """The id of obj's newest revision (its Version), 0 when it has none."""
    return (
        Version.objects.get_for_object(obj).order_by("-pk").values_list("pk", flat=True).first()
        or 0
    )


def comment_for(changed: list[str] | None = None, **extra) -> str:
    """A revision's comment, as stored: the changed fields' names and any event."""
    return json.dumps({"changed": list(changed or []), **extra})


def describe(comment: str, model: type[models.Model], events: dict | None = None) -> str:
    """A stored comment in words, in the active language: "Changed title, body.".

    ``events`` gives the words of each event a subclass notes ({"submitted": "Submitted
    for review."}); "%(when)s" in them is the event's time, and the event's "reason",
    if any, follows them.
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
    if data.get("baseline"):
        parts.append(_("As it was before its first save in the admin."))
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
    if data.get("reason"):
        parts.append(_("Why: %(reason)s") % {"reason": data["reason"]})
    names = [_field_label(model, name) for name in data.get("changed", [])]
    if names and not data.get("added"):
        parts.append(_("Changed %(fields)s.") % {"fields": ", ".join(names)})
    return " ".join(parts) or _("Saved without changes.")


def _local(when: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(when), "DATETIME_FORMAT")


def _field_label(model: type[models.Model], name: str) -> str:
    try:
        field = model._meta.get_field(name)
        if field.auto_created and not field.concrete:  # rows of another model (an inline)
            return str(field.related_model._meta.verbose_name_plural)
        return str(field.verbose_name)
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

    # What a new draft made from a deleted object's fields starts as (the status field's
    # value that is not public), so that saving it publishes nothing.
    conflict_new_draft_initial: dict = {}

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        if request.POST.get(RESOLVE) in {"merge", "new_draft"}:
            return self._resolved_form(request, object_id, form_url)
        # The check and the save in one transaction, the object's row locked (PostgreSQL;
        # SQLite takes its write lock up front): two saves cannot both pass the check.
        with transaction.atomic(using=router.db_for_write(self.model)):
            if object_id is not None and EDITED_FROM in request.POST:
                refusal = self._refuse_stale_save(request, unquote(object_id))
                if refusal is not None:
                    return refusal
            with reversion.create_revision():
                reversion.set_user(request.user)
                return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The revision the form shows: kept as it came while the same form is sent back
        # with errors, so that a save in between is still noticed.
        if change and obj is not None and "edited_from" not in context:
            posted = request.POST.get(EDITED_FROM) if request.method == "POST" else None
            context["edited_from"] = posted or latest_revision_id(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        kept = getattr(request, "_carnet_kept_fields", None)
        if kept is None:
            return form

        class KeptFieldsForm(form):
            def __init__(self, *args, **kwargs):
                kwargs["initial"] = {**(kwargs.get("initial") or {}), **kept}
                super().__init__(*args, **kwargs)

        return KeptFieldsForm

    def get_formset_kwargs(self, request, obj, inline, prefix) -> dict:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        kept = getattr(request, "_carnet_kept_inlines", None)
        if kept is not None and f"{prefix}-TOTAL_FORMS" in kept:
            # A merged form's inlines show the rows the refused save sent, not lost.
            kwargs.update(data=kept.copy(), files=request.FILES)
        return kwargs

    def construct_change_message(self, request, form, formsets, add=False):
        """Name the changed fields in the revision too (the form saved them just now)."""
        extra = self.revision_extra(request, form.instance)
        # An inline's rows (an article's correction notices) by their relation's name.
        changed = form.changed_data + [
            formset.fk.remote_field.get_accessor_name()
            for formset in formsets
            if formset.has_changed() and getattr(formset, "fk", None)
        ]
        reversion.set_comment(comment_for(changed, added=add, **extra))
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
        new_values = new.field_dict if new is not None else self._current_values(obj)
        fields = self._field_diffs(old.field_dict, new_values)
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

    def _field_diffs(self, old_values: dict, new_values: dict) -> list[FieldDiff]:
        """The compared fields that differ between two sets of values, word by word."""
        fields = []
        for name in self.revision_compare_fields:
            field = self.model._meta.get_field(name)
            before = self._as_text(field, old_values.get(field.attname))
            after = self._as_text(field, new_values.get(field.attname))
            if before != after:
                fields.append(FieldDiff(capfirst(field.verbose_name), diff_text(before, after)))
        return fields

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

    # Conflicts: a save from a form opened on an older revision, or on a deleted object.

    def _refuse_stale_save(self, request: HttpRequest, object_id: str) -> HttpResponse | None:
        """The conflict page (or the deleted page) for a stale save; None when the form
        is up to date, or when the admin's own checks answer (an object this editor may
        not see or change)."""
        try:
            locked = self.model._default_manager.select_for_update().filter(pk=object_id)
            found = locked.values_list("pk", flat=True).first()
        except (ValueError, ValidationError):
            return None
        if found is None:
            return self._gone_response(request, object_id)
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_change_permission(request, obj):
            return None
        current = latest_revision_id(obj)
        try:
            opened = int(request.POST[EDITED_FROM])
        except ValueError:
            opened = -1
        if opened == current:
            if current == 0:
                # Its first save: what it was before is kept too, so that a form opened
                # before this save can later be told what this one changed.
                with reversion.create_revision(atomic=False):
                    reversion.set_comment(comment_for(baseline=True))
                    reversion.add_to_revision(obj)
            return None
        return self._conflict_response(request, obj, opened)

    def _conflict_response(self, request: HttpRequest, obj, opened: int) -> HttpResponse:
        versions = self._versions(obj)
        # A form opened before any revision was opened on the first one, kept as it was
        # before the first save (above).
        opened_version = versions.filter(pk=opened).first() if opened else versions.last()
        form_class = self.get_form(request, obj, change=True)
        # Bound to a fresh copy: validating a form writes its values into its instance.
        mine = form_class(request.POST, request.FILES, instance=copy.copy(obj))
        mine.is_valid()
        as_opened = self._as_of(opened_version, obj)
        if as_opened is not None:
            as_opened_form = form_class(request.POST, request.FILES, instance=as_opened)
            i_changed = set(_changed_fields(as_opened_form))
        fields = []
        for name in _changed_fields(mine):
            me = as_opened is None or name in i_changed
            they = as_opened is None or (
                self._model_value(as_opened, name) != self._model_value(obj, name)
            )
            theirs = self._value_text(name, self._model_value(obj, name))
            fields.append(
                ConflictField(
                    name=name,
                    label=mine[name].label,
                    segments=diff_text(theirs, self._posted_text(mine, name)),
                    i_changed=me,
                    they_changed=they,
                    # What only the other changed is theirs to keep, by default.
                    take="mine" if me else "theirs",
                )
            )
        meanwhile = list(versions.filter(pk__gt=opened_version.pk if opened_version else 0)[:20])
        for version in meanwhile:
            version.description = describe(
                version.revision.comment, self.model, self.revision_events
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("“%(object)s” was saved by someone else while you were editing it")
            % {"object": obj},
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "module_name": capfirst(self.opts.verbose_name_plural),
            "meanwhile": meanwhile,
            "their_changes": (
                self._field_diffs(opened_version.field_dict, self._current_values(obj))
                if opened_version
                else []
            ),
            "fields": fields,
            "kept": _kept_fields(request),
            "edited_from": latest_revision_id(obj),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/revisions/conflict.html", context, status=409)

    def _gone_response(self, request: HttpRequest, object_id: str) -> HttpResponse:
        form = self.get_form(request, None, change=False)(request.POST, request.FILES)
        form.is_valid()
        deletion = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(self.model),
                object_id=str(object_id),
                action_flag=DELETION,
            )
            .select_related("user")
            .order_by("-action_time")
            .first()
        )
        name = str(form.instance) if form.cleaned_data.get("title") else self.opts.verbose_name
        context = {
            **self.admin_site.each_context(request),
            "title": _("“%(object)s” was deleted while you were editing it") % {"object": name},
            "subtitle": None,
            "opts": self.opts,
            "module_name": capfirst(self.opts.verbose_name_plural),
            "deletion": deletion,
            "fields": [
                (form[name].label, self._posted_text(form, name))
                for name in form.fields
                if self._posted_text(form, name)
            ],
            "kept": _kept_fields(request),
            "can_add": self.has_add_permission(request),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/revisions/gone.html", context, status=409)

    def _resolved_form(self, request: HttpRequest, object_id: str | None, form_url: str):
        """The change form with the fields chosen on a conflict page, or the add form with
        a deleted object's fields: shown to be checked and saved, not saved yet."""
        merging = request.POST[RESOLVE] == "merge"
        obj = self.get_object(request, unquote(object_id)) if merging and object_id else None
        if merging and obj is None:
            return self._gone_response(request, unquote(object_id or ""))
        mine = self.get_form(request, obj, change=obj is not None)(
            request.POST, request.FILES, instance=obj
        )
        kept = {}
        for name, field in mine.fields.items():
            if merging and request.POST.get(TAKE + name) == "theirs":
                continue
            kept[name] = field.bound_data(mine[name].data, mine[name].initial)
        if not merging:
            kept.update(self.conflict_new_draft_initial)
        as_get = copy.copy(request)
        as_get.method = "GET"
        as_get.POST = QueryDict()
        as_get._carnet_kept_fields = kept
        # The inlines' rows (an article's new correction notice) as they were sent.
        as_get._carnet_kept_inlines = request.POST
        messages.info(
            request,
            _("Your choices are in the form below; nothing is saved yet. Check it, then save.")
            if merging
            else _("Your text is in this new form; nothing is saved yet. Check it, then save."),
        )
        extra = {"edited_from": latest_revision_id(obj)} if obj else None
        return super().changeform_view(as_get, object_id if obj else None, form_url, extra)

    def _as_of(self, version: Version | None, obj):
        """obj with the values a revision kept, or None without that revision."""
        if version is None:
            return None
        values = version.field_dict
        then = copy.copy(obj)
        for field in self.model._meta.concrete_fields:
            if field.attname in values:
                setattr(then, field.attname, values[field.attname])
        return then

    def _model_value(self, obj, name: str):
        try:
            value = self.model._meta.get_field(name).value_from_object(obj)
        except FieldDoesNotExist:
            return None
        if isinstance(value, list | tuple | set):  # tags
            return sorted(str(item) for item in value)
        return value

    def _value_text(self, name: str, value) -> str:
        if isinstance(value, list | tuple | set):
            return ", ".join(sorted(str(item) for item in value))
        if isinstance(value, models.Model):
            value = value.pk
        try:
            field = self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return "" if value is None else str(value)
        return self._as_text(field, value)

    def _posted_text(self, form, name: str) -> str:
        """A field of a refused form as text: its value when valid, else what was typed."""
        if name in getattr(form, "cleaned_data", {}):
            return self._value_text(name, form.cleaned_data[name])
        data = form[name].data
        return " ".join(str(part) for part in data) if isinstance(data, list) else str(data or "")


@dataclass
class ConflictField:
    """A field a refused save would change: the saved text against the editor's."""

    name: str
    label: str
    segments: list[tuple[str, str]]
    i_changed: bool
    they_changed: bool
    take: str  # "mine" | "theirs", chosen by default


def _changed_fields(form) -> list[str]:
    """The fields whose posted value differs from the form's instance.

    Not form.changed_data: a field with a callable default (the language, the
    publication time) compares with the value the form was opened with, which it
    carries in a hidden input; a conflict is about the instance as it is now.
    """
    return [
        name
        for name, field in form.fields.items()
        if not field.disabled
        and field.has_changed(form.get_initial_for_field(field, name), form[name].data)
    ]


def _kept_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """The refused form's fields, to send again as hidden fields of the conflict page."""
    return [
        (key, value)
        for key, values in request.POST.lists()
        if key not in {"csrfmiddlewaretoken", EDITED_FROM, RESOLVE} and not key.startswith(TAKE)
        for value in values
    ]
