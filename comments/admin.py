from django.contrib import admin
from django.db.models import Case, QuerySet, Value, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comments import notifications
from comments.models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Moderation: pending comments first, bulk approve / reject / mark as spam."""

    list_display = [
        "name",
        "email",
        "article",
        "excerpt",
        "submitted_at",
        "status",
        "reason",
        "history",
    ]
    list_filter = ["status", "article"]
    list_select_related = ["article"]
    search_fields = ["body", "name", "email"]
    actions = ["approve", "reject", "mark_spam"]
    date_hierarchy = "submitted_at"
    fields = [
        "article",
        "parent",
        "name",
        "email",
        "website",
        "body",
        "status",
        "reason",
        "history",
        "submitted_at",
        "moderated_at",
        "moderated_by",
        "ip_address",
        "user_agent",
    ]
    readonly_fields = [
        "article",
        "parent",
        "email",
        "reason",
        "history",
        "submitted_at",
        "moderated_at",
        "moderated_by",
        "ip_address",
        "user_agent",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_commenter_history()

    def get_ordering(self, request: HttpRequest) -> list:
        pending_first = Case(When(status=Comment.Status.PENDING, then=Value(0)), default=Value(1))
        return [pending_first.asc(), "-submitted_at", "-pk"]

    @admin.display(description=_("excerpt"))
    def excerpt(self, comment: Comment) -> str:
        return comment.excerpt

    @admin.display(description=_("this email before"))
    def history(self, comment: Comment) -> str:
        return _("%(approved)s approved, %(rejected)s rejected, %(spam)s spam") % {
            "approved": comment.history_approved,
            "rejected": comment.history_rejected,
            "spam": comment.history_spam,
        }

    def save_model(self, request: HttpRequest, obj: Comment, form, change: bool) -> None:
        if "status" in form.changed_data:
            obj.moderated_by = request.user
            obj.moderated_at = timezone.now()
        super().save_model(request, obj, form, change)
        if "status" in form.changed_data and obj.status == Comment.Status.APPROVED:
            notifications.notify_authors(request, [obj.pk])

    @admin.action(description=_("Approve the selected comments"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = queryset.approve(by=request.user)
        notifications.notify_authors(request, ids)
        count = len(ids)
        self.message_user(
            request,
            ngettext("%(count)s comment approved.", "%(count)s comments approved.", count)
            % {"count": count},
        )

    @admin.action(description=_("Reject the selected comments"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = queryset.reject(by=request.user)
        count = len(ids)
        self.message_user(
            request,
            ngettext("%(count)s comment rejected.", "%(count)s comments rejected.", count)
            % {"count": count},
        )

    @admin.action(description=_("Mark the selected comments as spam"), permissions=["change"])
    def mark_spam(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = queryset.mark_spam(by=request.user)
        count = len(ids)
        self.message_user(
            request,
            ngettext(
                "%(count)s comment marked as spam.", "%(count)s comments marked as spam.", count
            )
            % {"count": count},
        )
