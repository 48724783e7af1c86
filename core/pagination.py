from collections.abc import Callable

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """A paginator that stops counting at COUNT_CAP: counting every match in a dense area costs
    more than fetching the page (PITFALLS.md). `count_capped` tells templates to say "1000+".
    `counter` (returning the count and whether it was capped) replaces the generic count when a
    search knows a cheaper way to count its own results."""

    count_capped = False

    def __init__(
        self, object_list, per_page, *, counter: Callable[[], tuple[int, bool]] | None = None, **kwargs
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.counter = counter

    @cached_property
    def count(self) -> int:
        if self.counter is not None:
            count, self.count_capped = self.counter()
            return count
        count = self.object_list.order_by()[: COUNT_CAP + 1].count()
        if count > COUNT_CAP:
            self.count_capped = True
            return COUNT_CAP
        return count
