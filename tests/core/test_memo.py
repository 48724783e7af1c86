"""core.memo.TimedMemo: remembered for its time, then asked again; bounded in size."""

from core import memo
from core.memo import TimedMemo


def test_a_value_is_remembered_until_it_expires(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(memo.time, "monotonic", lambda: now[0])
    asked = []
    remembered = TimedMemo(ttl=60)

    def ask():
        asked.append(now[0])
        return len(asked)

    assert remembered.get("rows", ask) == 1
    now[0] += 59
    assert remembered.get("rows", ask) == 1  # still within the minute: not asked again
    now[0] += 2
    assert remembered.get("rows", ask) == 2  # expired: asked afresh
    assert asked == [100.0, 161.0]


def test_a_full_memo_starts_afresh_and_clear_forgets():
    remembered = TimedMemo(ttl=60, size=3)
    for key in "abc":
        remembered.get(key, lambda key=key: key.upper())
    assert remembered.get("a", lambda: "asked") == "A"
    remembered.get("d", lambda: "D")  # the fourth key: the memo starts afresh
    assert remembered.get("a", lambda: "asked") == "asked"
    remembered.clear()
    assert remembered.get("d", lambda: "again") == "again"


def test_forget_all_empties_every_memo_of_the_process():
    from core.memo import forget_all

    first, second = TimedMemo(ttl=60), TimedMemo(ttl=60)
    first.get("a", lambda: 1)
    second.get("b", lambda: 2)
    forget_all()
    assert first.get("a", lambda: "asked") == "asked" and second.get("b", lambda: "asked") == "asked"
