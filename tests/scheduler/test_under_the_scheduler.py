"""The example DAGs under Airflow's real scheduler, not `dag.test()`.

One deployment for the module (tests/airflow_processes.py: PostgreSQL, LocalExecutor, the
scheduler and the triggerer, and on Airflow 3 the DAG processor and the API server), the sandbox
in a process of its own, the `minimax_default` connection in every process's environment, and a
dags folder of links to the two real files of example_dags/ (not copies):

- minimax_daily_export, unpaused, catches up the seven local days DAYS (the DAG's own
  MINIMAX_EXPORT_FIRST_DAY and MINIMAX_EXPORT_LAST_DAY: its start and end date, catchup on),
  mapped over the sandbox's two organisations. Two of its six exports (MINIMAX_EXPORTS), each as
  JSONL and Parquet: 9 tasks a day instead of 25, which on a 2-core machine would take longer
  than this module may (docs/testing.md has the figures).
- minimax_webshop_invoice, triggered with `sandbox_pays` off: its sensor finds the invoice
  unpaid and defers; the test pays it through the sandbox's admin API once the sensor's task
  instance is deferred with its trigger held by the triggerer; the triggerer sees the payment.

On Airflow 3, before Airflow stops, chromium reads the React UI's grid view of both DAGs
(grid_view.py): every run's bar and task cell must be shown, in success's colour.

Then, with Airflow stopped, `dag.test()` in this process runs the same DAG file over the same
seven intervals against the same sandbox (its data are fixed by the seed; the web shop's writes
are dated today, outside the week), and every file of the scheduler's runs must have the
sha256 of the reference's file of the same day, organisation and resource.

The module fixture does all of it once and records what the tests then check.
"""

from __future__ import annotations

import datetime
import json
import time

import pytest

from airflow_provider_minimax.exports.manifest import MANIFEST_SUFFIX
from airflow_provider_minimax.sandbox.process import SandboxProcess
from tests.airflow_processes import AirflowDeployment
from tests.dagtools import AIRFLOW_3
from tests.postgres import PostgresServer, parse_dsn
from tests.ui.browser import png_size, skip_or_fail_without_browser, update_screenshot

from .grid_view import HEIGHT, SCREENSHOT, WIDTH, look_at_the_grids
from .under_the_scheduler import (
    DAG_FILES,
    DAG_IDS,
    DAYS,
    EXAMPLE_DAGS,
    EXPORT_DAG,
    EXPORT_TASKS,
    EXPORTS,
    FORMATS,
    ORGANISATIONS,
    TOKEN_LINE,
    TRIGGER,
    WEBSHOP_API_TASKS,
    WEBSHOP_DAG,
    WEBSHOP_RUN,
    WEBSHOP_TASKS,
    Scenario,
    data_files,
    green_grid,
    ledger_totals,
    logs_by_try,
    reference_files,
    run_under_the_scheduler,
    sandbox_stats,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


@pytest.fixture(scope="module")
def scenario(
    postgres_server: PostgresServer,
    tmp_path_factory: pytest.TempPathFactory,
    airflow_db: str,
) -> Scenario:
    began = time.monotonic()
    folder = tmp_path_factory.mktemp("under-the-scheduler")
    dsn = postgres_server.create_database()
    export_root = folder / "export"
    recorded = Scenario()
    try:
        with SandboxProcess("--scale", "small") as sandbox:
            deployment = AirflowDeployment(
                folder / "airflow",
                dsn,
                env={
                    "AIRFLOW_CONN_MINIMAX_DEFAULT": sandbox.airflow_connection,
                    "MINIMAX_EXPORT_ROOT": str(export_root),
                    "MINIMAX_EXPORT_FIRST_DAY": DAYS[0].isoformat(),
                    "MINIMAX_EXPORT_LAST_DAY": DAYS[-1].isoformat(),
                    "MINIMAX_EXPORTS": ",".join(EXPORTS),
                },
            )
            for name in DAG_FILES:
                (deployment.dags / name).symlink_to(EXAMPLE_DAGS / name)
            try:
                clock = time.monotonic()
                deployment.start()
                recorded.seconds["start"] = time.monotonic() - clock
                run_under_the_scheduler(deployment, sandbox, recorded)
                # The UI of the deployment, still running: the grid of what has just run.
                cells = {dag: len(green_grid(recorded.tries, dag).cells) for dag in DAG_IDS}
                recorded.grid = look_at_the_grids(deployment.api_url, cells, folder / SCREENSHOT)
                if recorded.grid.seconds:
                    recorded.seconds["grid view"] = recorded.grid.seconds
            finally:
                deployment.stop()
            recorded.task_logs = deployment.task_log_files()
            # What the deployment did, before the reference runs add their own calls.
            recorded.stats = sandbox_stats(sandbox)
            calls, tokens = ledger_totals(deployment.folder / "cache")
            recorded.ledger_calls, recorded.ledger_tokens = calls, tokens
            recorded.files = data_files(export_root)
            recorded.manifests = {
                str(path.relative_to(export_root)).removesuffix(MANIFEST_SUFFIX): json.loads(
                    path.read_text("utf-8")
                )
                for path in sorted(export_root.rglob(f"*{MANIFEST_SUFFIX}"))
            }
            clock = time.monotonic()
            recorded.reference = reference_files(sandbox, folder)
            recorded.seconds["reference"] = time.monotonic() - clock
    finally:
        postgres_server.drop_database(parse_dsn(dsn)["dbname"])
    recorded.seconds["module"] = time.monotonic() - began
    print(
        f"\nAirflow {'3' if AIRFLOW_3 else '2.11'} under the scheduler: "
        + ", ".join(f"{what} {seconds:.0f} s" for what, seconds in recorded.seconds.items())
        + f"; sandbox: {recorded.stats['api_calls']} API calls, "
        f"{recorded.stats['token_requests']} token requests; ledger: {recorded.ledger_calls} "
        f"calls, {recorded.ledger_tokens} token requests; token lines in task logs: "
        f"{sum(text.count(TOKEN_LINE) for text in recorded.task_logs.values())}; "
        f"by status {recorded.stats['by_status']}, by route {recorded.stats['by_route']}"
    )
    return recorded


# -- the tests ----------------------------------------------------------------------------------


def test_every_run_succeeded_and_every_task_at_its_first_try(scenario: Scenario) -> None:
    export_runs = [run for run in scenario.runs if run[0] == EXPORT_DAG]
    webshop_runs = [run for run in scenario.runs if run[0] == WEBSHOP_DAG]
    # The catch-up: one scheduled run per local day of the week, each interval one whole day.
    assert export_runs == [
        (EXPORT_DAG, "scheduled", "success", day, day + datetime.timedelta(days=1)) for day in DAYS
    ]
    assert [(run_type, state) for _, run_type, state, _, _ in webshop_runs] == [
        ("manual", "success")
    ]
    by_run: dict[tuple[str, str], set[tuple[str, int]]] = {}
    for dag_id, run_id, task_id, map_index, _, _ in scenario.tries:
        by_run.setdefault((dag_id, run_id), set()).add((task_id, map_index))
    expected = {WEBSHOP_DAG: WEBSHOP_TASKS, EXPORT_DAG: EXPORT_TASKS}
    assert len(by_run) == len(DAYS) + 1
    for (dag_id, run_id), tasks in by_run.items():
        assert tasks == expected[dag_id], run_id
    assert {(state, try_number) for *_, state, try_number in scenario.tries} == {("success", 1)}
    assert len(scenario.tries) == len(DAYS) * len(EXPORT_TASKS) + len(WEBSHOP_TASKS)
    assert scenario.earlier_tries == 0  # no try before the last, of any task


def test_every_file_is_exactly_what_dag_test_writes_for_the_same_day(scenario: Scenario) -> None:
    expected = {
        f"{day}/{organisation}/{resource}.{file_format}"
        for day in DAYS
        for organisation in ORGANISATIONS
        for resource in EXPORTS.values()
        for file_format in FORMATS
    }
    assert set(scenario.files) == expected  # 7 days x 2 organisations x 2 exports x 2 formats
    assert set(scenario.reference) == expected
    different = sorted(
        name for name in expected if scenario.files[name] != scenario.reference[name]
    )
    assert not different, f"{len(different)} files differ from dag.test()'s: {different}"
    # Each manifest describes its file, and the week is not empty.
    assert set(scenario.manifests) == expected
    for name, manifest in scenario.manifests.items():
        assert manifest["sha256"] == scenario.files[name], name
    for organisation in ORGANISATIONS:
        rows = sum(
            m["rows"] for m in scenario.manifests.values() if m["organisation_id"] == organisation
        )
        assert rows > 0, organisation


def test_the_sensor_deferred_through_the_triggerer(scenario: Scenario) -> None:
    # Seen in the metadata database while it waited: the task instance deferred, its trigger
    # the provider's, held by a running triggerer job.
    assert scenario.deferred == [("deferred", TRIGGER, "TriggererJob", "running")]
    # The trigger's event after the payment: the sensor's return value.
    assert scenario.sensor_result["PaymentStatus"] == "Placan"
    sensor_tries = [
        (state, try_number)
        for dag_id, _, task_id, _, state, try_number in scenario.tries
        if (dag_id, task_id) == (WEBSHOP_DAG, "wait_until_paid")
    ]
    assert sensor_tries == [("success", 1)]  # resumed after the trigger, not retried
    # What the logs say: the sensor looked once, found the invoice unpaid and deferred; the
    # trigger, in the triggerer, fired with the paid invoice; the task resumed with it.
    logs = logs_by_try(scenario)
    sensor = logs[(WEBSHOP_DAG, WEBSHOP_RUN, "wait_until_paid", -1, False)]
    trigger = logs[(WEBSHOP_DAG, WEBSHOP_RUN, "wait_until_paid", -1, True)]
    unpaid = sensor.index("PaymentStatus is 'NeplacanNezapadel', waiting for 'Placan'")
    deferred = sensor.index("Pausing task as DEFERRED")
    resumed = sensor.index("Minimax issuedinvoices matched")
    assert unpaid < deferred < resumed
    assert "fired" in trigger and "'status': 'success'" in trigger and "Placan" in trigger
    assert [key for key in logs if key[4]] == [
        (WEBSHOP_DAG, WEBSHOP_RUN, "wait_until_paid", -1, True)
    ]  # the only trigger of the module


def test_one_token_request_per_process_that_talks_to_minimax(scenario: Scenario) -> None:
    """Tokens are kept per process (client/auth.py), and under LocalExecutor every task try
    runs in a process of its own (the process that resumes a deferred task is another); the
    triggerer runs every trigger in one process. So the sandbox issues exactly one token per
    task process that talks to Minimax, plus one for the triggerer: with a fresh token per
    call, or a process asking twice, the count would be higher; with a token shared between
    processes, lower."""
    workers = len(DAYS) * len(EXPORT_TASKS) + len(WEBSHOP_API_TASKS)
    assert scenario.stats["token_requests"] == workers + 1  # 7 x 9 + 10 + 1 = 74
    assert scenario.ledger_tokens == workers + 1
    assert scenario.stats["rejected_logins"] == 0
    # Which processes asked, by their logs (client/auth.py logs each token it gets): each task
    # that talks to Minimax once, each other task never, the sensor's trigger once.
    asked = {key: text.count(TOKEN_LINE) for key, text in logs_by_try(scenario).items()}
    expected = {
        (dag_id, run_id, task_id, map_index, False): int(
            dag_id == EXPORT_DAG or (task_id, map_index) in WEBSHOP_API_TASKS
        )
        for dag_id, run_id, task_id, map_index, _, _ in scenario.tries
    } | {(WEBSHOP_DAG, WEBSHOP_RUN, "wait_until_paid", -1, True): 1}
    assert asked == expected
    assert sum(asked.values()) == scenario.stats["token_requests"]


def test_the_ledger_counts_every_call_the_sandbox_saw(scenario: Scenario) -> None:
    """The ledger in the deployment's cache folder, shared by all its processes, counted each
    API call the sandbox answered: no call went around it, none was counted twice."""
    assert scenario.ledger_calls == scenario.stats["api_calls"]
    assert scenario.ledger_calls > 0
    # Every request answered as expected, none refused (no 429, no 5xx): 201 for the four
    # creates (customer, two items, invoice), 404 only for the three look-ups by Code that
    # found nothing yet (the customer's and the items' match_on), 200 for everything else.
    statuses, routes = scenario.stats["by_status"], scenario.stats["by_route"]
    lookups = sum(
        count
        for route, count in routes.items()
        if route.endswith(("/customers/code({value})", "/items/code({value})"))
    )
    assert lookups == 3
    assert statuses == {
        "200": scenario.stats["api_calls"] + scenario.stats["token_requests"] - 4 - 3,
        "201": 4,
        "404": 3,
    }


def test_the_grid_view_shows_every_run_and_task_green(scenario: Scenario) -> None:
    """Airflow 3's grid view in chromium, while the deployment still ran: the week's seven runs
    of the export and the web shop's one, every bar and every task cell shown in success's
    colour (tests/scheduler/grid_view.py reads them); the export's page is the docs' picture."""
    grid = scenario.grid
    if grid.skipped:
        pytest.skip(grid.skipped)
    if grid.missing:
        skip_or_fail_without_browser(grid.missing)
    assert grid.error is None, grid.error
    for dag_id, runs in ((EXPORT_DAG, len(DAYS)), (WEBSHOP_DAG, 1)):
        green = green_grid(scenario.tries, dag_id)
        assert len(green.runs) == runs, dag_id
        seen = grid.grids[dag_id]
        off = [entry for entry in [*seen.runs, *seen.cells] if entry[-2:] != ("success", True)]
        assert not off, f"{dag_id}: not shown, or not in success's colour: {off}"
        assert sorted(seen.runs) == green.runs, dag_id
        assert sorted(seen.cells) == green.cells, dag_id
    assert grid.screenshot is not None
    assert png_size(grid.screenshot) == (WIDTH, HEIGHT)
    assert grid.screenshot.stat().st_size > 30_000  # a blank or error page compresses to far less
    update_screenshot(grid.screenshot, SCREENSHOT)
