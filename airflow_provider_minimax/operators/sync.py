"""MinimaxSyncOperator: many records into Minimax once, with a plan first and every outcome kept."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import AirflowException, AirflowFailException

from airflow_provider_minimax.operators._base import MinimaxBaseOperator, parse_list

if TYPE_CHECKING:
    from airflow_provider_minimax.client.syncplan import SyncPlan
    from airflow_provider_minimax.client.syncrun import Outcome, Progress, SyncResult
    from airflow_provider_minimax.exports.syncfiles import Source
    from airflow_provider_minimax.operators._syncfiles import SyncPaths

_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off", "")


class MinimaxSyncOperator(MinimaxBaseOperator):
    """Create or update many records of one resource, each once, from a file or a list.

    The plan comes first: every record is checked against Minimax's model (an invalid one
    never reaches the API) and found by its `key`, exactly, in the resource's list read once
    by pages where that is cheaper than a lookup per record. The plan's calls are checked
    against the organisation's API budget before the first write. Then each record is created
    (a lost answer is looked up before it is ever sent again) or updated with only the fields
    that differ (with its RowVersion: another writer's fields survive). A rerun finds what is
    done and writes only what is missing.

    Beside the source go a results file (a JSON line per record: its outcome, ID, Location,
    RowVersion, or the error in the server's words) and a dead letter (the failed records in
    the source's own format, ready to be the next run's source); the summary (counts, calls,
    seconds, the IDs by key) is the task's XCom. The task fails when more than
    `max_failures` records fail, after writing both files. Formats: docs/sync.md.

    :param resource: path below the organisation, e.g. `customers`, `items`, `issuedinvoices`.
    :param source: a JSONL or CSV file (a local path or an ObjectStoragePath URL such as
        `s3://shop/orders/{{ ds }}.jsonl`), or a list of records (e.g. from XCom).
    :param key: the field or fields that identify a record (`Code`, `DocumentReference` …),
        with the same exactness as `match_on`.
    :param mode: `upsert` (create what is missing, update what differs; the default) or
        `create` (create what is missing, leave existing records as they are).
    :param dry_run: write nothing to Minimax: the plan file (what each record would need,
        with the fields an update would change) and its summary.
    :param results: the results file (a path or URL); default beside the source,
        `<name>.results.jsonl`. Needed for a list. The dead letter and the plan go beside it.
    :param source_format: `jsonl` or `csv`; default by the file's extension.
    :param max_workers: records written at once (1 to 16).
    :param max_failures: how many records may fail (invalid or refused) without failing the
        task.
    :param progress_interval: seconds between the progress lines in the log.
    """

    template_fields: Sequence[str] = (
        "resource",
        "source",
        "key",
        "mode",
        "plan_only",  # the dry_run argument (BaseOperator has a method of that name)
        "results",
        "source_format",
        "max_workers",
        "max_failures",
        "progress_interval",
        "minimax_conn_id",
        "organisation_id",
    )
    ui_color = "#e8daef"

    def __init__(
        self,
        *,
        resource: str,
        source: str | list[dict[str, Any]],
        key: str | list[str],
        mode: str = "upsert",
        dry_run: bool | str = False,
        results: str | None = None,
        source_format: str | None = None,
        max_workers: int | str = 4,
        max_failures: int | str = 0,
        progress_interval: float | str = 10.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.resource = resource
        self.source = source
        self.key = key
        self.mode = mode
        self.plan_only = dry_run
        self.results = results
        self.source_format = source_format
        self.max_workers = max_workers
        self.max_failures = max_failures
        self.progress_interval = progress_interval

    # -- the run ------------------------------------------------------------------------------

    def execute(self, context: Any) -> dict[str, Any]:
        from airflow_provider_minimax.client import MinimaxBudgetExhaustedError, MinimaxError
        from airflow_provider_minimax.operators._deferral import defer_or_fail

        try:
            return self._execute()
        except MinimaxBudgetExhaustedError as error:  # outside a logged call
            defer_or_fail(self, f"sync of {self.resource}", error)
        except MinimaxError as error:  # raised outside a logged call (arguments, connection)
            if not error.retry_may_help:
                raise AirflowFailException(f"Minimax sync of {self.resource}: {error}") from error
            raise

    def may_defer_now(self) -> bool:
        """A sync may always start again: its plan finds what an earlier try wrote."""
        return True

    def _execute(self) -> dict[str, Any]:
        from airflow_provider_minimax.client.syncplan import plan_sync
        from airflow_provider_minimax.operators._syncfiles import load_source, sync_paths

        started = time.perf_counter()
        key = parse_list(self.key, "key")
        if not key:
            raise AirflowFailException("key is required: the field or fields of a record's key.")
        workers = self._max_workers()
        limit = _whole(self.max_failures, "max_failures")
        dry_run = _boolean(self.plan_only, "dry_run")
        every = _seconds(self.progress_interval, "progress_interval")
        source, source_path = load_source(self.source, self.source_format or None, self.resource)
        paths = sync_paths(source_path, self.results or None, source.format)
        client = self.hook.get_conn()
        calls_before = client.stats.api_calls
        plan = self.call(
            f"plan of the sync of {len(source.records)} {self.resource} records",
            lambda: plan_sync(
                client,
                self.resource,
                source.fields,
                key,
                mode=self.mode,
                organisation_id=self.hook.organisation_id,
                max_workers=workers,
            ),
            _describe_plan,
        )
        if dry_run:
            return self._keep_plan(client, plan, source, paths, started, calls_before)
        result: SyncResult = self.call(
            f"sync of {self.resource}",
            lambda: self._run(client, plan, workers, every),
            lambda done: f"{_counts(done.outcomes)} ({done.calls} calls)",
            plan=plan.write_calls,  # the budget is checked for all of them before the first
        )
        self._write_files(source, paths, result.outcomes)
        summary = self._summary(plan, result.outcomes, paths, started, client, calls_before)
        summary["files"] = {k: v for k, v in paths.urls().items() if k != "plan"}
        self._finish(result, summary, limit)
        return summary

    def _run(self, client: Any, plan: SyncPlan, workers: int, every: float) -> SyncResult:
        from airflow_provider_minimax.client.syncrun import run_sync

        return run_sync(
            client,
            plan,
            max_workers=workers,
            progress=self._progress,
            every=every,
        )

    def _keep_plan(
        self,
        client: Any,
        plan: SyncPlan,
        source: Source,
        paths: SyncPaths,
        started: float,
        calls_before: int,
    ) -> dict[str, Any]:
        from airflow_provider_minimax.client.syncrun import planned_outcomes
        from airflow_provider_minimax.exports.syncfiles import json_lines
        from airflow_provider_minimax.operators._destination import write_file

        outcomes = planned_outcomes(client, plan)
        write_file(paths.plan, json_lines(_lines(source, outcomes)))
        summary = self._summary(plan, outcomes, paths, started, client, calls_before)
        summary["files"] = {"plan": paths.urls()["plan"]}
        self.log.info(
            "Minimax sync of %s, dry run: nothing was written to Minimax; %s would take %d "
            "calls. The plan: %s",
            self.resource,
            _counts(outcomes),
            plan.write_calls,
            paths.urls()["plan"],
        )
        return summary

    # -- what is kept ------------------------------------------------------------------------

    def _write_files(self, source: Source, paths: SyncPaths, outcomes: list[Outcome]) -> None:
        from airflow_provider_minimax.client.syncrun import FAILURES
        from airflow_provider_minimax.exports.syncfiles import dead_letter, json_lines
        from airflow_provider_minimax.operators._destination import write_file

        failed = [o.record for o in outcomes if o.outcome in FAILURES]
        write_file(paths.results, json_lines(_lines(source, outcomes)))
        write_file(paths.dead_letter, dead_letter(source, failed))
        urls = paths.urls()
        self.log.info(
            "Minimax sync of %s: results in %s; %d failed records in %s",
            self.resource,
            urls["results"],
            len(failed),
            urls["dead_letter"],
        )

    def _summary(
        self,
        plan: SyncPlan,
        outcomes: list[Outcome],
        paths: SyncPaths,
        started: float,
        client: Any,
        calls_before: int,
    ) -> dict[str, Any]:
        from airflow_provider_minimax.client.syncrun import OUTCOMES

        seen = [o.outcome for o in outcomes]
        names = sorted(set(seen), key=lambda n: (n not in OUTCOMES, n))
        return {
            "resource": self.resource,
            "organisation_id": plan.organisation_id,
            "mode": plan.mode,
            "key": plan.key,
            "dry_run": _boolean(self.plan_only, "dry_run"),
            "records": len(outcomes),
            "outcomes": {name: seen.count(name) for name in names},
            "plan": plan.describe(),
            "calls": client.stats.api_calls - calls_before,
            "seconds": round(time.perf_counter() - started, 3),
            "ids": _ids(outcomes, plan.key),
        }

    def _finish(self, result: SyncResult, summary: dict[str, Any], limit: int) -> None:
        """Fail after the files are written when more records failed than may; at once
        (without Airflow's retries) when a retry could not bring them under the limit."""
        from airflow_provider_minimax.client import MinimaxBudgetExhaustedError
        from airflow_provider_minimax.operators._deferral import defer_or_fail

        failures = result.failures
        self.log.info("Minimax sync of %s: %s", self.resource, summary["outcomes"])
        if isinstance(result.stopped, MinimaxBudgetExhaustedError):
            # The records not sent wait for the budget: a deferral starts the sync again,
            # and its plan finds what this try wrote.
            defer_or_fail(self, f"sync of {self.resource}", result.stopped)
        if len(failures) <= limit:
            return
        first = failures[0]
        message = (
            f"Minimax sync of {self.resource}: {len(failures)} of {len(result.outcomes)} "
            f"records failed (max_failures={limit}); the first, record {first.record} "
            f"{first.key}: {first.error} The results: {summary['files']['results']}; the "
            f"failed records, to sync again: {summary['files']['dead_letter']}."
        )
        incurable = [o for o in failures if not o.retry_may_help]
        if len(incurable) > limit:
            raise AirflowFailException(message)
        raise AirflowException(message)

    def _progress(self, progress: Progress) -> None:
        left = (
            f"about {progress.seconds_left:.0f} s left"
            if progress.seconds_left is not None
            else "time left not known yet"
        )
        self.log.info(
            "Minimax sync of %s: %d of %d records done, %d API calls, %d failed, %s",
            self.resource,
            progress.done,
            progress.total,
            progress.calls,
            progress.failures,
            left,
        )

    def _max_workers(self) -> int:
        from airflow_provider_minimax.client import MinimaxConfigurationError
        from airflow_provider_minimax.client.settings import check, from_text

        value: Any = self.max_workers
        try:
            workers = int(from_text("max_workers", value)) if value not in (None, "") else 4
            check("max_workers", workers, 4)
        except MinimaxConfigurationError as error:
            raise AirflowFailException(str(error)) from None
        return workers


def _lines(source: Source, outcomes: list[Outcome]) -> list[dict[str, Any]]:
    """The results file's lines: the record's place in the source, then its outcome."""
    lines = {record.number: record.line for record in source.records}
    return [{"record": o.record, "line": lines.get(o.record)} | o.as_dict() for o in outcomes]


def _ids(outcomes: list[Outcome], key: list[str]) -> dict[str, Any]:
    """Each record's ID by its key (`"WEB-7"`, or `"A|B"` for a key of two fields): what
    child records are linked by."""
    return {
        "|".join(str(o.key.get(name)) for name in key): o.id for o in outcomes if o.id is not None
    }


def _counts(outcomes: list[Outcome]) -> str:
    seen = [o.outcome for o in outcomes]
    return ", ".join(f"{seen.count(name)} {name}" for name in dict.fromkeys(seen)) or "no records"


def _describe_plan(plan: SyncPlan) -> str:
    pages = f"{plan.pages} page{'' if plan.pages == 1 else 's'}"
    found = f"the key index ({pages})" if plan.index == "list" else "one lookup a record"
    return f"{_counts_of_plan(plan)}; found by {found}; the writes take {plan.write_calls} calls"


def _counts_of_plan(plan: SyncPlan) -> str:
    described = plan.describe()
    actions = ("create", "update", "unchanged", "invalid", "duplicate")
    return ", ".join(f"{described[a]} {a}" for a in actions if described[a]) or "no records"


def _boolean(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise AirflowFailException(f"{name} must be true or false, not {value!r}.")


def _seconds(value: Any, name: str) -> float:
    try:
        seconds = float(str(value).strip())
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # also refuses nan
        raise AirflowFailException(f"{name} must be a number of seconds, not {value!r}.")
    return seconds


def _whole(value: Any, name: str) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        number = -1
    if number < 0:
        raise AirflowFailException(f"{name} must be a whole number, 0 or more, not {value!r}.")
    return number
