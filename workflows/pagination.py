"""A paginator that stops counting: a list's cost must not follow the number of rows behind
it (docs/performance.md, P7). Beyond ``cap`` rows the page says "plus de 200"."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

# Eight pages of 25: enough to see one's backlog, and what the inbox reads at most. Each
# step counted costs a look-up (a grant, a signature), so counting a shared financier's
# thousands of open lines took half the page's time at 100 000 dossiers (P7).
INBOX_COUNT_CAP = 200


class CappedPaginator(Paginator):
    """Pages a list of ids read up to ``cap + 1`` (``selectors.open_task_ids``), so pages
    after the cap are not offered: nobody works through hundreds of steps by paging."""

    def __init__(self, *args: object, cap: int = INBOX_COUNT_CAP, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.cap = cap

    @cached_property
    def count(self) -> int:
        return min(len(self.object_list), self.cap + 1)

    @property
    def capped(self) -> bool:
        return self.count > self.cap
