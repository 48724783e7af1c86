"""A small process-local memo with an expiry, for facts that are costly to ask the database for
and change slowly (how many rows a table holds, how common a search term is)."""

import time
from collections.abc import Callable, Hashable


class TimedMemo:
    """Values remembered for `ttl` seconds in this process. At most `size` keys: when full, the
    memo starts afresh (the facts it holds are cheap to ask again, and a memo that never grows
    needs no eviction order)."""

    def __init__(self, *, ttl: float, size: int = 1024):
        self.ttl = ttl
        self.size = size
        self._values: dict[Hashable, tuple[float, object]] = {}
        _ALL.append(self)

    def get(self, key: Hashable, compute: Callable[[], object]):
        now = time.monotonic()
        found = self._values.get(key)
        if found is not None and found[0] > now:
            return found[1]
        value = compute()
        if len(self._values) >= self.size:
            self._values.clear()
        self._values[key] = (now + self.ttl, value)
        return value

    def clear(self) -> None:
        self._values.clear()


_ALL: list[TimedMemo] = []


def forget_all() -> None:
    """Empty every memo of this process (tests between cases; benchmarks measuring a cold start)."""
    for memo in _ALL:
        memo.clear()
