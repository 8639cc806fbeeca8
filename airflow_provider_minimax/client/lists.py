"""The page readers behind a client's lists: one fetch per page, counted in the stats.

A reader fetches nothing until asked; `start()` fetches the first page, whose TotalRows and
length price the rest (feeds.py plans an export from it), and `rows()` then goes on from there.
"""

from __future__ import annotations

from .pagination import Page, PageReader, read_page
from .transport import Transport


def page_reader(
    transport: Transport,
    path: str,
    query: dict[str, str],
    size: int,
    workers: int,
    *,
    decimals: bool = False,
) -> PageReader:
    """The pages of `path` (below the API root) with `query`, `size` rows each."""

    def fetch(number: int) -> Page:
        params = {**query, "CurrentPage": number, "PageSize": size}
        body = transport.json("GET", path, params=params, decimals=decimals)
        page = read_page(body, number, path)
        transport.stats.add(pages=1, rows=len(page.rows))
        return page

    return PageReader(fetch, path, workers)
