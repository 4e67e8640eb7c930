"""The subscribers, for the staff who run the newsletter.

An address is a reader's personal data: this list is the one screen that shows it,
to administrators and the Editor-in-chief only (accounts/roles.py). Editors see how
many confirmed subscribers an article reaches, never who.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsletter.models import Subscriber, SubscriberQuerySet


class StateFilter(admin.SimpleListFilter):
    """Confirmed, waiting for confirmation, or ended: each rule the models' own."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [
            ("confirmed", _("Confirmed")),
            ("pending", _("Waiting for confirmation")),
            ("ended", _("Unsubscribed")),
        ]

    def queryset(self, request: HttpRequest, queryset: SubscriberQuerySet) -> QuerySet:
        if self.value() == "confirmed":
            return queryset.confirmed()
        if self.value() == "pending":
            return queryset.pending()
        if self.value() == "ended":
            return queryset.filter(unsubscribed_at__isnull=False)
        return queryset


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "state", "language", "rhythm", "category_names", "created_at"]
    list_filter = [StateFilter, "language", "rhythm", "categories"]
    # The counts beside each filter: how many are confirmed, in each edition, rhythm…
    show_facets = admin.ShowFacets.ALWAYS
    search_fields = ["email"]
    list_per_page = 100
    actions = ["unsubscribe"]
    fields = [
        "email",
        "language",
        "rhythm",
        "categories",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
    ]
    # Readers choose and confirm for themselves: staff may only end a subscription.
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Nobody is subscribed without confirming their address themselves.
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("categories")

    @admin.display(description=_("state"))
    def state(self, subscriber: Subscriber) -> str:
        if subscriber.unsubscribed_at is not None:
            return _("Unsubscribed")
        if subscriber.confirmed_at is None:
            return _("Waiting for confirmation")
        return _("Confirmed")

    @admin.display(description=_("categories"))
    def category_names(self, subscriber: Subscriber) -> str:
        names = [category.name for category in subscriber.categories.all()]
        return ", ".join(names) or _("All")

    @admin.action(description=_("Unsubscribe the selected subscribers"), permissions=["change"])
    def unsubscribe(self, request: HttpRequest, queryset: SubscriberQuerySet) -> None:
        count = queryset.active().update(unsubscribed_at=timezone.now())
        message = ngettext(
            "%(count)s subscriber unsubscribed.", "%(count)s subscribers unsubscribed.", count
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)
