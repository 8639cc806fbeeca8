"""Every row of a list, page by page, and never a silently short list.

The service may serve fewer rows than `PageSize` asks for, so pages are counted by what comes
back, and the list ends when the rows received reach `TotalRows`. A list that ends early, runs
long, or whose `TotalRows` moves while it is read raises `MinimaxTruncationError`: the classic
bug of accounting exports is a quietly incomplete file.

With `max_workers > 1`, the first page tells the total and the page size the service really
uses; the remaining pages are then fetched a few at a time and yielded in order, with at most
`max_workers` pages in memory.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from .errors import MinimaxResponseError, MinimaxTruncationError

Row = dict[str, Any]


@dataclass(frozen=True)
class Page:
    number: int
    rows: list[Row]
    total_rows: int


def read_page(body: Any, number: int, where: str) -> Page:
    """Check a list answer's envelope: `Rows` a list of objects, `TotalRows` a count."""
    if not isinstance(body, dict):
        raise MinimaxResponseError(
            "A list answer must be a JSON object with Rows and TotalRows, "
            f"not {type(body).__name__}.",
            method="GET",
            path=where,
        )
    rows, total = body.get("Rows"), body.get("TotalRows")
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise MinimaxResponseError(
            f"Page {number} of the list has no Rows list of records.", method="GET", path=where
        )
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise MinimaxResponseError(
            f"Page {number} of the list has no usable TotalRows (got {total!r}).",
            method="GET",
            path=where,
        )
    return Page(number, rows, total)


FetchPage = Callable[[int], Page]


class PageReader:
    """Reads the pages of one list and checks them against each other."""

    def __init__(self, fetch: FetchPage, where: str, max_workers: int = 1) -> None:
        self.fetch = fetch
        self.where = where
        self.max_workers = max_workers
        self.received = 0
        self.pages = 0
        self.total_rows: int | None = None
        self.first: Page | None = None

    def start(self) -> Page:
        """Fetch the first page now (once): its TotalRows and its length price the rest."""
        if self.first is None:
            self.first = self._checked(self.fetch(1))
        return self.first

    @property
    def remaining_pages(self) -> int:
        """Pages still to fetch after the first, at the page size the service really used."""
        first = self.start()
        if self.received >= first.total_rows or not first.rows:
            return 0 if self.received >= first.total_rows else 1
        return -(-first.total_rows // len(first.rows)) - 1

    def rows(self) -> Iterator[Row]:
        first = self.start()
        yield from first.rows
        if self.received >= first.total_rows:
            self._finish()
            return
        if not first.rows:
            self._short()
        if self.max_workers > 1:
            yield from self._parallel(len(first.rows), first.total_rows)
        else:
            yield from self._sequential_after(1)
        self._finish()

    def _parallel(self, page_size: int, total: int) -> Iterator[Row]:
        last = -(-total // page_size)
        numbers = iter(range(2, last + 1))
        with ThreadPoolExecutor(self.max_workers, thread_name_prefix="minimax-page") as pool:
            pending: collections.deque[Future[Page]] = collections.deque()
            for number in numbers:
                pending.append(pool.submit(self.fetch, number))
                if len(pending) >= self.max_workers:
                    break
            while pending:
                page = self._checked(pending.popleft().result())
                next_number = next(numbers, None)
                if next_number is not None:
                    pending.append(pool.submit(self.fetch, next_number))
                expected = min(page_size, total - (page.number - 1) * page_size)
                if len(page.rows) != expected:
                    for future in pending:
                        future.cancel()
                    raise MinimaxTruncationError(
                        f"Page {page.number} held {len(page.rows)} rows where {expected} were "
                        f"due (pages of {page_size}, {total} rows in all): the list is not "
                        "consistent, nothing of it may be trusted.",
                        method="GET",
                        path=self.where,
                    )
                yield from page.rows

    def _sequential_after(self, number: int) -> Iterator[Row]:
        """Pages after `number`, one at a time, until TotalRows is reached."""
        while self.total_rows is not None and self.received < self.total_rows:
            number += 1
            page = self._checked(self.fetch(number))
            if not page.rows:
                self._short()
            yield from page.rows

    def _checked(self, page: Page) -> Page:
        if self.total_rows is None:
            self.total_rows = page.total_rows
        elif page.total_rows != self.total_rows:
            raise MinimaxTruncationError(
                f"TotalRows changed from {self.total_rows} to {page.total_rows} at page "
                f"{page.number}: the list changed while it was read. Run again.",
                method="GET",
                path=self.where,
            )
        self.pages += 1
        self.received += len(page.rows)
        return page

    def _short(self) -> None:
        raise MinimaxTruncationError(
            f"The list ended after {self.received} of {self.total_rows} rows (an empty page "
            "came before TotalRows was reached).",
            method="GET",
            path=self.where,
        )

    def _finish(self) -> None:
        if self.received != self.total_rows:
            raise MinimaxTruncationError(
                f"Received {self.received} rows where TotalRows said {self.total_rows}.",
                method="GET",
                path=self.where,
            )
