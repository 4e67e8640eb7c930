"""Paginators for lists that grow to hundreds of thousands of rows.

Django's Paginator runs COUNT(*) over every matching row on every page view, and
fetches a page with OFFSET: at a hundred thousand articles the first is most of a
page's time and the second walks the whole width of every skipped row.

LateRowPaginator finds a page's primary keys first, in a subquery the database can
answer from an index alone (skipped rows cost an index entry, not a table row), then
fetches those rows only.

BoundedPaginator also counts at most `count_limit` rows, or up to the end of the page
asked for if that is further: the page numbers of a small list stay exact ("Page 2 of
7"), a big list says "Page 2 of many", and /?page=N keeps working at any depth.
"""

from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

MAX_PAGE = 10**9


class LateRowPaginator(Paginator):
    def page(self, number) -> Page:
        number = self.validate_number(number)
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        # The same filters and order, twice: once for the page's keys, once for its rows.
        keys = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=keys), number, self)


class BoundedPaginator(LateRowPaginator):
    def __init__(
        self,
        *args,
        count_limit: int = 500,
        keep_count: Callable[[Callable[[], int]], int] | None = None,
        **kwargs,
    ) -> None:
        """`keep_count`, if given, is handed the function that counts and answers the
        count, kept or counted (a search's count, sitewide/fragments.py)."""
        super().__init__(*args, **kwargs)
        self.count_limit = count_limit
        self.keep_count = keep_count
        self.number = 1

    def page(self, number) -> Page:
        try:
            # Past a billion the page cannot exist; the clamp keeps LIMIT within SQL's bigint.
            self.number = min(max(1, int(number)), MAX_PAGE)
        except (TypeError, ValueError, OverflowError):
            pass  # validate_number refuses it, with the error Django's Paginator raises
        return super().page(number)

    @cached_property
    def horizon(self) -> int:
        """How many rows are counted, at most: enough to know the asked page and the next."""
        return max(self.count_limit, self.number * self.per_page + 1)

    @cached_property
    def count(self) -> int:
        """The rows counted, up to horizon + 1: one more than horizon means "and more"."""
        if self.keep_count is not None:
            return self.keep_count(self._count)
        return self._count()

    def _count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return len(self.object_list)
        # A LIMITed subquery of keys only: the database stops counting at horizon + 1
        # rows, and computes none of the annotations (a search's rank) for them.
        return self.object_list.order_by().values("pk")[: self.horizon + 1].count()

    @property
    def is_bounded(self) -> bool:
        """True when the list goes on past what was counted: its total is not known."""
        return self.count > self.horizon
