from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """A paginator that stops counting at COUNT_CAP: counting every match in a dense area costs
    more than fetching the page (PITFALLS.md). `count_capped` tells templates to say "1000+"."""

    count_capped = False

    @cached_property
    def count(self) -> int:
        count = self.object_list.order_by()[: COUNT_CAP + 1].count()
        if count > COUNT_CAP:
            self.count_capped = True
            return COUNT_CAP
        return count
