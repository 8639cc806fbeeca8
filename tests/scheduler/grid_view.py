"""Airflow 3's grid view of a DAG, read in Debian's chromium while a deployment still runs.

For each DAG: its page (/dags/<dag_id>, the grid on the left), the grid's panel widened to 40 %
of the window (at its default 20 % it clips a week of runs to the first two), then, from what
the page shows: each run's bar and each task's cell, named by the grid's own `data-run-id` and
`data-task-id`, with the state whose colour it has (the UI paints a bar or a cell in its
state's `--chakra-colors-<state>-solid`, the colours of the UI's legend), and whether it is
shown (the element at its centre is itself: not clipped by the panel, scrolled away or covered).
The first DAG's page is also photographed.

What it saw is recorded, not asserted: the test module's fixture calls this before it stops the
deployment, and a test then checks the record.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.dagtools import AIRFLOW_3
from tests.ui.browser import chromium, missing_browser, new_page

if TYPE_CHECKING:
    from playwright.sync_api import Page

NOT_AIRFLOW_3 = (
    "Airflow 2.11: its grid view is the Flask webserver's, a different application from "
    "Airflow 3's React UI that this check reads; the grid is checked on Airflow 3 only"
)
WIDTH, HEIGHT = 1280, 800
GRID_PANEL = 40  # percent of the window: the task names and a week of runs, unclipped
SCREENSHOT = "grid-view.png"
# A cell or bar: the grid's `data-*` attributes name its run and task; the badge of a cell and
# the first child of a bar's link carry the state's colour.
CELL_BADGE = "[data-run-id][data-task-id] [data-testid=task-state-badge]"

READ_GRID = r"""
(states) => {
  // Each state's colour, resolved by the page's own theme. A state without a colour of its
  // own resolves to transparent and names nothing; states sharing a colour are named together.
  const probe = document.createElement("div");
  document.body.append(probe);
  const named = new Map();
  for (const state of states) {
    probe.style.backgroundColor = `var(--chakra-colors-${state}-solid)`;
    const colour = getComputedStyle(probe).backgroundColor;
    if (colour !== "rgba(0, 0, 0, 0)") {
      named.set(colour, named.has(colour) ? `${named.get(colour)}/${state}` : state);
    }
  }
  probe.remove();
  const stateOf = (element) => {
    const colour = getComputedStyle(element).backgroundColor;
    return named.get(colour) ?? `no state's colour: ${colour}`;
  };
  const shown = (element) => {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return false;
    const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return hit !== null && element.contains(hit);
  };
  const runs = [...document.querySelectorAll("[data-run-id] a[href]")]
    .filter((link) => /\/runs\/[^/]+\/$/.test(link.getAttribute("href")))
    .filter((link) => link.firstElementChild !== null)
    .map((link) => {
      const bar = link.firstElementChild;
      return [link.closest("[data-run-id]").dataset.runId, stateOf(bar), shown(bar)];
    });
  const cells = [...document.querySelectorAll(SELECTOR)].map((badge) => {
    const cell = badge.closest("[data-task-id]");
    return [cell.dataset.runId, cell.dataset.taskId, stateOf(badge), shown(badge)];
  });
  return { runs, cells };
}
""".replace("SELECTOR", repr(CELL_BADGE))


@dataclass
class Grid:
    """One DAG's grid as the page showed it."""

    runs: list[tuple[str, str, bool]]  # (run ID, the state its bar's colour names, shown)
    cells: list[tuple[str, str, str, bool]]  # (run ID, task ID, state, shown)


@dataclass
class GridCheck:
    """What the browser saw, or why it did not look."""

    skipped: str | None = None  # not applicable here (Airflow 2.11)
    missing: str | None = None  # what to install for the browser to run
    error: str | None = None  # what went wrong while it looked
    grids: dict[str, Grid] = field(default_factory=dict)
    screenshot: Path | None = None
    seconds: float = 0.0


def airflow_states() -> list[str]:
    """Every state a task instance or a DAG run can have, and "none" (not yet scheduled)."""
    from airflow.utils.state import DagRunState, TaskInstanceState

    return sorted({state.value for state in (*TaskInstanceState, *DagRunState)} | {"none"})


def widen_the_grid(page: Page) -> None:
    """Drag the grid's panel edge, with the keyboard as its handle allows, to GRID_PANEL %."""
    edge = page.get_by_role("separator")
    edge.focus()
    for _ in range(10):  # each press moves it 10 % of the window
        if int(edge.get_attribute("aria-valuenow") or 0) >= GRID_PANEL:
            break
        edge.press("ArrowRight")
    page.evaluate("document.activeElement?.blur()")  # no focus ring in the picture


def read_grid(page: Page, url: str, dag_id: str, cells: int, states: list[str]) -> Grid:
    """The grid of `dag_id`, once it shows `cells` task cells (or as it is after the page's
    timeout: then the record shows what is missing)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(f"{url}/dags/{dag_id}")
    # After the timeout, read what there is: the test names what the page lacked.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            "([selector, cells]) => document.querySelectorAll(selector).length >= cells",
            arg=[CELL_BADGE, cells],
        )
    widen_the_grid(page)
    seen: dict[str, list[list[Any]]] = page.evaluate(READ_GRID, states)
    return Grid(
        runs=[(run_id, state, bool(shown)) for run_id, state, shown in seen["runs"]],
        cells=[(run_id, task, state, bool(shown)) for run_id, task, state, shown in seen["cells"]],
    )


def look_at_the_grids(url: str, cells_by_dag: dict[str, int], screenshot: Path) -> GridCheck:
    """The grid of each DAG of `cells_by_dag` (DAG ID: the task cells it should show) in the
    React UI at `url`; the first DAG's page photographed into `screenshot`."""
    if not AIRFLOW_3:
        return GridCheck(skipped=NOT_AIRFLOW_3)
    missing = missing_browser()
    if missing:
        return GridCheck(missing=missing)
    check = GridCheck()
    began = time.monotonic()
    states = airflow_states()
    # The deployment is stopped next whatever this finds: an error is recorded for the test to
    # report, and the fixture's other evidence is kept.
    try:
        with chromium() as browser, new_page(browser, WIDTH, HEIGHT) as page:
            for dag_id, cells in cells_by_dag.items():
                check.grids[dag_id] = read_grid(page, url, dag_id, cells, states)
                if check.screenshot is None:
                    # Below the grid's rows: no tooltip of a cell or a bar in the picture.
                    page.mouse.move(200, HEIGHT - 20)
                    page.screenshot(path=screenshot, animations="disabled")
                    check.screenshot = screenshot
    except Exception as error:
        check.error = f"{type(error).__name__}: {error}"
    check.seconds = time.monotonic() - began
    return check
