import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import actions as admin_actions
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import F, QuerySet
from django.forms import Script
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from reversion.models import Version
from taggit import admin as taggit_admin
from taggit.models import Tag

from blog import preview, workflow
from blog.forms import ArticleAdminForm, LiveDeskForm, LiveEntryForm
from blog.models import Article, Category, Correction, LiveEntry
from editing.editor import SLUGS_JS, warn_about_removed_content
from editing.models import Autosave
from sitewide import pagecache
from sitewide.http import absolute_url
from sitewide.revisions import RevisionAdmin, comment_for, describe

Status = Article.Status


# taggit's own admin (imported above, so registered by now) lists every tag, and under
# each tag the titles of the articles using it, to every staff member who may view tags.
admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(taggit_admin.TagAdmin):
    """taggit's tag admin, telling the page cache what a tag's change touches (its name
    wherever it shows, its list of articles, its address), and whose list is a queryset
    rule: a tag is shown only to those who may see an article using it (published, their
    own, or everyone's for a reviewer), so that an embargoed story's tag is not read
    here, nor in the tags field's suggestions (editing.views.tag_choices reads this
    queryset). Merging tags changes them on everyone's articles: it takes the right to
    change tags, and stays within what one sees."""

    inlines = []

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        tags = super().get_queryset(request)
        if workflow.can_review(request.user):
            return tags
        return tags.filter(pk__in=workflow.visible(request.user, Article.objects.all()).tags())

    def save_model(self, request: HttpRequest, obj: Tag, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        pagecache.changed(obj, pagecache.list_of(obj), pagecache.ADDRESSES)

    def delete_model(self, request: HttpRequest, obj: Tag) -> None:
        pagecache.changed(obj, pagecache.list_of(obj), pagecache.ADDRESSES)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        tags = list(queryset)
        pagecache.changed(*tags, *map(pagecache.list_of, tags), pagecache.ADDRESSES)
        super().delete_queryset(request, queryset)

    @admin.action(description=_("Merge selected tags"), permissions=["change"])
    def render_tag_form(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        # The selection as the queryset allows it, not as the form posted it.
        request.session["selected_tag_ids"] = ",".join(
            str(pk) for pk in queryset.values_list("pk", flat=True)
        )
        return HttpResponseRedirect(reverse("admin:taggit_tag_merge_tags"))

    def merge_tags_view(self, request: HttpRequest) -> HttpResponse:
        chosen = request.session.get("selected_tag_ids", "").split(",")
        allowed = {str(pk) for pk in self.get_queryset(request).values_list("pk", flat=True)}
        if not self.has_change_permission(request) or not set(chosen) <= allowed:
            raise PermissionDenied
        response = super().merge_tags_view(request)
        if request.method == "POST":
            pagecache.pages_changed()  # articles moved between tags: too many to name
        return response


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug", "send_by_mail"]
    search_fields = ["name", "name_en"]
    prepopulated_fields = {"slug": ["name"]}

    class Media:
        js = SLUGS_JS


class StateFilter(admin.SimpleListFilter):
    """The statuses as the newsroom names them, Scheduled apart from Published."""

    title = _("status")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", Status.DRAFT.label),
            ("review", Status.IN_REVIEW.label),
            ("scheduled", _("Scheduled")),
            ("published", Status.PUBLISHED.label),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        return {
            "draft": lambda: queryset.filter(status=Status.DRAFT),
            "review": lambda: queryset.filter(status=Status.IN_REVIEW),
            "scheduled": lambda: queryset.filter(status=Status.PUBLISHED, published_at__gt=now),
            "published": lambda: queryset.filter(status=Status.PUBLISHED, published_at__lte=now),
        }.get(self.value(), lambda: queryset)()


class CorrectionInline(admin.StackedInline):
    """Correction notices, added on a published article's form by those who may (the
    blog.*_correction permissions: Editors and the Editor-in-chief, on the articles they
    may change). Saved with the article, so its revision records them."""

    model = Correction
    extra = 0
    fields = ["kind", "text", "created_at"]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"})}
    }

    # On top of the model's permissions: only on an article the user may change (an
    # Editor's own, anyone's for the Editor-in-chief); read only on the others.
    def has_add_permission(self, request: HttpRequest, obj: Article | None) -> bool:
        return super().has_add_permission(request, obj) and self._may_change(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)

    def _may_change(self, request: HttpRequest, article: Article | None) -> bool:
        return article is None or workflow.may_change(request.user, article)


@admin.register(Article)
class ArticleAdmin(RevisionAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "state",
        "lead_story",
        "author",
        "category",
        "published_at",
        "tag_list",
    ]
    list_filter = [StateFilter, "category", "author", "published_at"]
    list_select_related = ["author", "category"]
    # Undated drafts first, then the newest publication times.
    ordering = [F("published_at").desc(nulls_first=True), "-pk"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}

    class Media:
        js = SLUGS_JS

    date_hierarchy = "published_at"
    # The article's id, with a lookup popup: a plain labelled field, whatever the number
    # of articles (select2's empty combobox has no accessible name).
    raw_id_fields = ["translation"]
    actions = ["delete_selected", "pin_as_lead_story"]
    # newsroom-content: the cover is an image of the library, searched by its alt text.
    autocomplete_fields = ["cover"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body", "language", "translation"]}),
        (_("Cover"), {"fields": ["cover"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "current_status",
                    "status",
                    "published_at",
                    "featured",
                    "author",
                    "category",
                    "tags",
                    "comments_open",
                    "send_by_mail",
                ]
            },
        ),
        (_("Search engines"), {"fields": ["seo_description", "exclude_from_google_news"]}),
        (
            _("Live coverage"),
            {
                "fields": ["live_since", "live_ended_at"],
                "description": _(
                    "Post, edit and pin its entries from its live coverage page "
                    "(“Live coverage” at the top of this form)."
                ),
            },
        ),
    ]
    # Revisions (sitewide/revisions.py): a comparison shows these fields; a restore
    # brings back what was written, never the status, the time or the author.
    revision_compare_fields = [
        "title",
        "slug",
        "standfirst",
        "body",
        "cover",
        "category",
        "language",
        "status",
        "published_at",
        "author",
        "comments_open",
        "seo_description",
        "significant_update_at",
        "exclude_from_google_news",
    ]
    revision_restore_fields = [
        "title",
        "standfirst",
        "body",
        "cover",
        "category",
        "language",
        "comments_open",
        "seo_description",
        "exclude_from_google_news",
    ]
    revision_events = workflow.EVENTS
    # A deleted article's text, offered to a new form after a conflict, is a draft again.
    conflict_new_draft_initial = {"status": Status.DRAFT}

    def get_inlines(self, request: HttpRequest, obj: Article | None) -> list:
        # A notice corrects what readers could read: a published article's.
        return [CorrectionInline] if obj is not None and obj.is_published() else []

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        for correction in formset.save(commit=False):
            if correction.author_id is None:
                correction.author = request.user
            correction.save()
        for correction in formset.deleted_objects:
            correction.delete()
        formset.save_m2m()

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request).prefetch_related("tags")
        if workflow.can_review(request.user):
            return queryset
        return queryset.filter(author=request.user)

    @admin.display(description=_("status"), ordering="status")
    def state(self, article: Article) -> str:
        return article.state_label()

    @admin.display(description=_("current status"))
    def current_status(self, article: Article) -> str:
        """Where the article stands, in words: "Scheduled for December 1, 2026, 08:00"."""
        return article.state_label()

    @admin.display(description=_("lead story"), ordering="-featured")
    def lead_story(self, article: Article) -> str:
        return _("Lead story") if article.featured else "—"

    @admin.display(description=_("tags"))
    def tag_list(self, article: Article) -> str:
        return ", ".join(tag.name for tag in article.tags.all())

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # The headline gets the width of a headline, the standfirst the height of one; a
        # widget ArticleAdminForm names itself is left as it is.
        if "widget" not in kwargs:
            widget = {
                "title": lambda: forms.TextInput(attrs={"class": "vTextField carnet-title"}),
                "standfirst": lambda: forms.Textarea(
                    attrs={"rows": 3, "class": "carnet-standfirst"}
                ),
            }.get(db_field.name)
            if widget:
                kwargs["widget"] = widget()
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request: HttpRequest, obj: Article | None = None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "translation" in form.base_fields:
            # Pairing writes a link onto the other article: it must be one the user may
            # change (or the one already paired), and its title is named only then.
            field = form.base_fields["translation"]
            field.queryset = workflow.changeable(request.user, Article.objects.all())
            if obj is not None and obj.translation_id:
                field.queryset |= Article.objects.filter(pk=obj.translation_id)
            field.widget = ChoicesRawIdWidget(
                Article._meta.get_field("translation").remote_field,
                self.admin_site,
                allowed=field.queryset,
            )
        return form

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def get_fieldsets(self, request: HttpRequest, obj: Article | None = None) -> list:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        if not self.has_change_permission(request, obj):
            # Read, not changed (a contributor's submission): the body as readers see it.
            return _replaced(fieldsets, "body", "rendered_body")
        if obj.status == Status.IN_REVIEW and workflow.can_review(request.user):
            return _replaced(fieldsets, "status", "status", "review_note")
        if obj.is_published() and workflow.can_publish(request.user):
            # Whoever may publish says when a published story changed in substance.
            return _replaced(
                fieldsets,
                "published_at",
                "published_at",
                "significant_update_at",
                "significant_update",
            )
        return fieldsets

    @admin.display(description=_("body"))
    def rendered_body(self, article: Article) -> str:
        # body_html is sanitised when saved (sitewide/markup.py), as the public page uses it.
        return format_html('<div class="rendered-body">{}</div>', mark_safe(article.body_html))

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        readonly = ["current_status", "significant_update_at"]
        if not workflow.can_review(request.user):
            readonly.append("author")
        if not workflow.can_publish(request.user):
            # A contributor's status moves with the "Submit for review" button only, and
            # the time, what is mailed and what Google News lists are the publisher’s to choose.
            readonly += [
                "status",
                "published_at",
                "featured",
                "exclude_from_google_news",
                "send_by_mail",
            ]
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            from accounts.models import User

            kwargs["queryset"] = User.objects.filter(is_staff=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["workflow_buttons"] = self._workflow_buttons(request, obj)
        if obj is not None and workflow.may_withdraw(request.user, obj):
            context["withdraw_url"] = reverse("admin:blog_article_withdraw", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _workflow_buttons(self, request: HttpRequest, obj: Article | None) -> list:
        """The buttons beside Save that move the article along, as (name, words)."""
        user, status = request.user, obj.status if obj else Status.DRAFT
        buttons = []
        if workflow.can_publish(user):
            if status != Status.PUBLISHED:
                buttons.append(("_publish", _("Publish")))
                buttons.append(("_schedule", _("Schedule")))
            if status == Status.IN_REVIEW and workflow.can_review(user):
                buttons.append(("_send_back", _("Send back to the author")))
        elif status == Status.DRAFT:
            buttons.append(("_submit_review", _("Submit for review")))
        return buttons

    def save_model(self, request: HttpRequest, obj: Article, form, change: bool) -> None:
        user = request.user
        if not change and not workflow.can_review(user):
            obj.author = user
        before = (
            Article.objects.filter(pk=obj.pk).values_list("status", "published_at").first()
            if change
            else None
        )
        if "_submit_review" in request.POST:
            obj.status = Status.IN_REVIEW
        elif {"_publish", "_schedule"} & set(request.POST) and workflow.can_publish(user):
            # A time in the future schedules either way; the form makes sure "Schedule"
            # has one.
            obj.status = Status.PUBLISHED
        elif "_send_back" in request.POST and workflow.can_review(user):
            obj.status = Status.DRAFT
        if not workflow.can_publish(user) and (obj.status == Status.PUBLISHED or obj.featured):
            raise PermissionDenied
        if form.cleaned_data.get("significant_update") and workflow.can_publish(user):
            obj.mark_significant_update()
        super().save_model(request, obj, form, change)
        reason = form.cleaned_data.get("review_note", "").strip()
        event = obj.workflow_event = workflow.event_of(before, obj, reason)
        origin = absolute_url(request, "")
        if event and event.key == "submitted":
            workflow.notify_reviewers(request, obj)
        elif event:
            workflow.notify_author(obj, event, by=user, origin=origin)
        if event and event.key == "scheduled":
            workflow.schedule(obj, origin)
        if event and event.key == "published":
            workflow.announce(obj)
        # newsroom-content: the editor is told what saving dropped, and the
        # form's autosave (editing.Autosave) is done with once the article is saved.
        warn_about_removed_content(request, form)
        Autosave.objects.for_request(request).delete()

    # newsroom-content: the change form's "Preview" button posts its unsaved fields here.
    def get_urls(self) -> list:
        preview_view = self.admin_site.admin_view(require_POST(self.preview_view))
        return [
            path("preview/", preview_view, name="blog_article_preview"),
            path("<path:object_id>/preview/", preview_view, name="blog_article_preview"),
            path(
                "<path:object_id>/withdraw/",
                self.admin_site.admin_view(self.withdraw_view),
                name="blog_article_withdraw",
            ),
            path(
                "<path:object_id>/live/",
                self.admin_site.admin_view(self.live_view),
                name="blog_article_live",
            ),
            *super().get_urls(),
        ]

    def live_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The live coverage desk, built for speed: one field to post an entry (Enter
        posts it, static/editing/live-desk.js), the entries newest first with their pin
        and edit buttons, and starting or ending the coverage. A plain form without
        JavaScript. Whoever may change the article may use it: the queryset is the rule."""
        changeable = workflow.changeable(request.user, Article.objects.all())
        try:
            article = changeable.filter(pk=unquote(object_id)).first()
        except (ValueError, ValidationError):
            article = None
        if article is None:
            raise Http404("No such article.")
        desk_url = reverse("admin:blog_article_live", args=[article.pk])
        form = LiveDeskForm()
        if request.method == "POST":
            form = LiveDeskForm(request.POST)
            done = self._live_action(request, article, form)
            if done:
                return HttpResponseRedirect(desk_url, status=303)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Live coverage: “%(title)s”") % {"title": article},
            "subtitle": None,
            "opts": self.opts,
            "original": article,
            "change_url": reverse("admin:blog_article_change", args=[article.pk]),
            "add_entry_url": reverse("admin:blog_liveentry_add") + f"?article={article.pk}",
            "form": form,
            "entries": article.live_entries.for_page(),
            "media": forms.Media(js=[Script("editing/live-desk.js", defer=True)]),
        }
        status = 400 if form.is_bound and not form.is_valid() else 200
        return TemplateResponse(request, "admin/blog/article/live.html", context, status=status)

    def _live_action(self, request: HttpRequest, article: Article, form) -> bool:
        """Do what the desk's form asked; whether it is done (False: show the form's
        errors). Each change is kept as a revision, by whom."""
        entries = LiveEntry.objects.changeable_by(request.user).filter(article=article)
        with reversion.create_revision():
            reversion.set_user(request.user)
            if "_start" in request.POST or "_end" in request.POST:
                event = "live_started" if "_start" in request.POST else "live_ended"
                reversion.set_comment(comment_for(event=event, when=timezone.now().isoformat()))
                article.start_live() if event == "live_started" else article.end_live()
                field = "live_since" if event == "live_started" else "live_ended_at"
                self.log_change(request, article, [{"changed": {"fields": [field]}}])
                self.message_user(request, workflow.EVENTS[event] % {"when": ""})
                return True
            pin = request.POST.get("pin") or request.POST.get("unpin")
            if pin:
                entry = entries.filter(pk=pin if pin.isascii() and pin.isdigit() else None).first()
                if entry is None:
                    raise Http404("No such entry.")
                entry.pinned = "pin" in request.POST
                reversion.set_comment(comment_for(["pinned"]))
                entry.save()
                return True
            if not form.is_valid():
                return False
            entry = LiveEntry(article=article, author=request.user, body=form.html())
            try:
                entry.full_clean(exclude=["author"])
            except ValidationError as error:
                form.add_error("text", error.message_dict.get("body") or error.messages)
                return False
            reversion.set_comment(comment_for(added=True))
            entry.save()
        self.message_user(request, _("Entry posted."))
        return True

    def preview_view(self, request: HttpRequest, object_id: str | None = None) -> HttpResponse:
        """The form's content with the public article template, for staff; never saved."""
        obj = self.get_object(request, object_id) if object_id else None
        if object_id and obj is None:
            raise Http404("No such article.")
        if obj is None and not self.has_add_permission(request):
            raise PermissionDenied
        if obj is not None and not self.has_change_permission(request, obj):
            # Theirs to read, not to change (a submission): nothing unsaved to show, so
            # the saved article, as its preview on the site shows it.
            return HttpResponseRedirect(obj.get_absolute_url(), status=303)
        form = self.get_form(request, obj, change=obj is not None)(
            request.POST, request.FILES, instance=obj
        )
        return preview.render_preview(request, form)

    def withdraw_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The author takes a submission back: asked on GET, done on POST."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        change_url = reverse("admin:blog_article_change", args=[article.pk])
        if not workflow.may_withdraw(request.user, article):
            self.message_user(
                request,
                _("“%(title)s” is no longer in review: there is nothing to withdraw.")
                % {"title": article},
                messages.WARNING,
            )
            return HttpResponseRedirect(change_url)
        if request.method == "POST":
            article.status = Status.DRAFT
            event = workflow.Event("withdrawn", article.published_at)
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(comment_for(["status"], **event.as_revision_note()))
                article.save()
            self.log_change(request, article, [{"changed": {"fields": ["status"]}}])
            words = _("“%(title)s”: %(event)s") % {"title": article, "event": event.words()}
            self.message_user(request, words, messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Withdraw “%(title)s” from review?") % {"title": article},
            "subtitle": None,
            "opts": self.opts,
            "original": article,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/blog/article/withdraw.html", context)

    object_history_template = "admin/blog/article/history.html"

    def history_view(self, request, object_id, extra_context=None):
        """The article's revisions, then its live entries' (each posted, edited, pinned)."""
        obj = self._object_or_404(request, object_id)
        entries = {
            str(entry.pk): entry
            for entry in LiveEntry.objects.changeable_by(request.user).filter(article=obj)
        }
        versions = list(
            Version.objects.get_for_model(LiveEntry)
            .filter(object_id__in=list(entries))
            .select_related("revision__user")
            .order_by("-revision__date_created", "-pk")[:200]
        )
        for version in versions:
            version.entry = entries[version.object_id]
            version.description = describe(version.revision.comment, LiveEntry)
        return super().history_view(
            request, object_id, {"live_versions": versions, **(extra_context or {})}
        )

    def revision_extra(self, request: HttpRequest, obj: Article) -> dict:
        event = getattr(obj, "workflow_event", None)
        return event.as_revision_note() if event else {}

    def response_add(self, request, obj, post_url_continue=None):
        self._say_what_happened(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._say_what_happened(request, obj)
        return super().response_change(request, obj)

    def response_post_save_add(self, request: HttpRequest, obj: Article) -> HttpResponse:
        return self._to_the_list(request, obj) or super().response_post_save_add(request, obj)

    def response_post_save_change(self, request: HttpRequest, obj: Article) -> HttpResponse:
        return self._to_the_list(request, obj) or super().response_post_save_change(request, obj)

    def _to_the_list(self, request: HttpRequest, obj: Article) -> HttpResponse | None:
        """After a step of the workflow, the list of articles in the article's new state,
        where it is: the list's filter from before ("In review") would hide it."""
        if not getattr(obj, "workflow_event", None) or not self.has_view_permission(request):
            return None
        changelist = reverse("admin:blog_article_changelist")
        return HttpResponseRedirect(f"{changelist}?{StateFilter.parameter_name}={obj.state()}")

    def _say_what_happened(self, request: HttpRequest, obj: Article) -> None:
        event = getattr(obj, "workflow_event", None)
        if event:
            words = _("“%(title)s”: %(event)s") % {"title": obj, "event": event.words()}
            self.message_user(request, words, messages.SUCCESS)

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        if obj is not None and not workflow.may_change(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        if obj is not None and not workflow.may_change(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return workflow.can_publish(request.user)

    @admin.action(
        description=admin_actions.delete_selected.short_description, permissions=["delete"]
    )
    def delete_selected(self, request: HttpRequest, queryset: QuerySet):
        """Django's bulk delete, for articles the user may delete one by one only: a
        contributor's published or submitted article stays, and they are told why."""
        refused = queryset.exclude(pk__in=workflow.changeable(request.user, queryset))
        if refused:
            titles = ", ".join(f"“{article}”" for article in refused)
            self.message_user(
                request,
                _("Nothing was deleted: you may not delete %(titles)s.") % {"titles": titles},
                messages.ERROR,
            )
            return None
        return admin_actions.delete_selected(self, request, queryset)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        if queryset.exclude(pk__in=workflow.changeable(request.user, queryset)).exists():
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    def get_deleted_objects(self, objs, request: HttpRequest):
        """What hangs on an article (its comments) goes with it: its own permission is enough."""
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    @admin.action(description=_("Pin as the lead story"), permissions=["publish"])
    def pin_as_lead_story(self, request: HttpRequest, queryset: QuerySet) -> None:
        if queryset.count() != 1:
            self.message_user(
                request, _("Choose one article to pin as the lead story."), messages.ERROR
            )
            return
        article = queryset.get()
        article.featured = True
        # Kept in the article's history like a save of its form, with who pinned it.
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(comment_for(["featured"]))
            article.save(update_fields=["featured"])
        self.log_change(request, article, [{"changed": {"fields": ["featured"]}}])
        self.message_user(
            request, _("“%(title)s” is now the lead story.") % {"title": article.title}
        )
        if not article.is_published():
            self.message_user(
                request,
                _("It leads the front page once it is published."),
                messages.WARNING,
            )


class ChoicesRawIdWidget(ForeignKeyRawIdWidget):
    """A raw-id field that names the chosen object only when it is one of ``allowed``
    (the field's queryset): Django's reads any row, so a refused form would show the
    title of an article the user may not see."""

    def __init__(self, rel, admin_site, *, allowed: QuerySet, **kwargs):
        super().__init__(rel, admin_site, **kwargs)
        self.allowed = allowed

    def label_and_url_for_value(self, value) -> tuple[str, str]:
        try:
            chosen = self.allowed.filter(pk=value).exists()
        except (ValueError, TypeError, ValidationError):
            chosen = False
        return super().label_and_url_for_value(value) if chosen else ("", "")


def _replaced(fieldsets: list, name: str, *names: str) -> list:
    """The fieldsets with the field ``name`` replaced by ``names``."""
    return [
        (
            title,
            {
                **options,
                "fields": [
                    new
                    for field in options["fields"]
                    for new in (names if field == name else (field,))
                ],
            },
        )
        for title, options in fieldsets
    ]


@admin.register(LiveEntry)
class LiveEntryAdmin(RevisionAdmin):
    """A live coverage's entries, edited one by one with the article's rich-text editor
    (posting them is the live coverage page's: ArticleAdmin.live_view). Whoever may
    change an article may post, edit, pin and delete its entries: the queryset is the
    rule, for the list, the forms, the bulk actions and the history alike."""

    form = LiveEntryForm
    list_display = ["__str__", "article", "published_at", "pinned", "author"]
    list_filter = ["pinned"]
    list_select_related = ["article", "author"]
    search_fields = ["body"]
    autocomplete_fields = ["image"]
    fields = ["article", "body", "image", "embed_url", "pinned"]
    revision_compare_fields = ["body", "image", "embed_url", "pinned"]
    revision_restore_fields = ["body", "image", "embed_url", "pinned"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).changeable_by(request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: LiveEntry | None = None) -> list:
        return ["article"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "article":
            running = Article.objects.filter(live_since__isnull=False, live_ended_at=None)
            kwargs["queryset"] = workflow.changeable(request.user, running)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def response_add(self, request, obj, post_url_continue=None):
        return self._to_the_desk(request, obj) or super().response_add(request, obj)

    def response_change(self, request, obj):
        return self._to_the_desk(request, obj) or super().response_change(request, obj)

    def _to_the_desk(self, request: HttpRequest, obj: LiveEntry) -> HttpResponse | None:
        """After a plain Save, back to the article's live coverage desk."""
        if {"_continue", "_addanother", "_saveasnew"} & set(request.POST):
            return None
        self.message_user(request, _("Entry saved."))
        return HttpResponseRedirect(reverse("admin:blog_article_live", args=[obj.article_id]))

    def save_model(self, request: HttpRequest, obj: LiveEntry, form, change: bool) -> None:
        if not change:
            obj.author = request.user
        elif {"body", "image", "embed_url"} & set(form.changed_data):
            obj.edited_at = timezone.now()
        super().save_model(request, obj, form, change)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("blog.change_article")

    def has_view_permission(self, request: HttpRequest, obj: LiveEntry | None = None) -> bool:
        return self.has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("blog.change_article")

    def has_change_permission(self, request: HttpRequest, obj: LiveEntry | None = None) -> bool:
        if obj is not None:
            return self.get_queryset(request).filter(pk=obj.pk).exists()
        return request.user.has_perm("blog.change_article")

    def has_delete_permission(self, request: HttpRequest, obj: LiveEntry | None = None) -> bool:
        return self.has_change_permission(request, obj)
