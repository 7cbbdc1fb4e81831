"""A least-recently-used cache bounded by the bytes its values hold, shared across sessions."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """Values by key, the least recently used dropped once they hold more than `budget_bytes`.

    A count bound alone does not bound memory: one forecast of 5,000 workloads × 120 months holds
    ~24 MB (~84 MB once its long table is built), one of the bundled plan a few kilobytes. Sizes
    are measured again at every insertion, since a value may grow after it is cached. The
    newest value is always kept, even when it alone is over the budget. Each entry keeps its key
    object and a hit must compare equal to it, so two keys whose hashes collide never share.
    """

    def __init__(self, budget_bytes: int, max_entries: int, size_of: Callable[[V], int]) -> None:
        self.budget_bytes = budget_bytes
        self.max_entries = max_entries
        self._size_of = size_of
        self._items: OrderedDict[Hashable, tuple[K, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, hashed: Hashable, key: K, make: Callable[[], V]) -> V:
        """Return the value kept under `hashed` for a key equal to `key`, or make and keep it."""
        with self._lock:
            kept = self._items.get(hashed)
            if kept is not None and kept[0] == key:
                self._items.move_to_end(hashed)
                return kept[1]
        value = make()  # outside the lock: other sessions' hits do not wait for it
        with self._lock:
            self._items[hashed] = (key, value)
            self._items.move_to_end(hashed)
            self._evict()
        return value

    def _evict(self) -> None:
        """Drop the least recently used entries until the rest fit (the newest always stays)."""
        total = sum(self._size_of(v) for _, v in self._items.values())
        while len(self._items) > 1 and (total > self.budget_bytes
                                        or len(self._items) > self.max_entries):
            _, (_, oldest) = self._items.popitem(last=False)
            total -= self._size_of(oldest)

    def total_bytes(self) -> int:
        """Return the bytes the kept values hold now."""
        with self._lock:
            return sum(self._size_of(v) for _, v in self._items.values())

    def __len__(self) -> int:
        """Return how many values are kept."""
        return len(self._items)

    def clear(self) -> None:
        """Drop every value."""
        with self._lock:
            self._items.clear()
