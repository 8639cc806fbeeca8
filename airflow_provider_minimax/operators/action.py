"""Run a document action: issue an invoice, confirm an order, make a PDF and keep it."""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
from collections.abc import Sequence
from typing import Any

from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_minimax.operators._base import MinimaxBaseOperator, parse_mapping
from airflow_provider_minimax.operators._destination import Destination


class MinimaxActionOperator(MinimaxBaseOperator):
    """Run an action on a document, e.g. `issue`, `issueAndGeneratepdf`, `confirm`.

    When the answer carries a file (a PDF) and `attachment_path` is given, the decoded file is
    written there atomically and `{"path", "bytes", "sha256", "file_name"}` is returned: the file's
    base64 body never goes to XCom. Otherwise the answer's `Data` is returned (for a PDF without a
    path: its name, size and checksum only).

    :param resource: `issuedinvoices`, `orders`, `stockentry`, `issuedinvoicepostings` or `inbox`.
    :param id: the document's ID.
    :param action: the action's name, in any case (`issueAndGeneratepdf`, `getorderpdf`, …).
    :param row_version: the RowVersion to act on; default the latest (read first).
    :param query: extra query parameters of the action, e.g. `{"reverseReason": "…"}` (Airflow
        keeps `params` for the DAG's Params, so the action's own parameters go here).
    :param attachment_path: where to keep the file an action returns: an ObjectStoragePath URL
        (`file:///…/{{ ds }}/invoice.pdf`, `s3://bucket/…`) or a local path.
    :param skip_if_done: when the document already shows the action's result (an issued invoice,
        a confirmed order), do not run it again, so that a rerun of the DAG succeeds; for
        `issueAndGeneratepdf` only the PDF is made. Default True.
    """

    template_fields: Sequence[str] = (
        "resource",
        "id",
        "action",
        "row_version",
        "query",
        "attachment_path",
        "minimax_conn_id",
        "organisation_id",
    )
    ui_color = "#fdebd0"

    def __init__(
        self,
        *,
        resource: str,
        id: int | str,
        action: str,
        row_version: str | None = None,
        query: dict[str, Any] | str | None = None,
        attachment_path: str | None = None,
        skip_if_done: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.resource = resource
        self.id = id
        self.action = action
        self.row_version = row_version
        self.query = query
        self.attachment_path = attachment_path
        self.skip_if_done = skip_if_done

    def execute(self, context: Any) -> Any:
        query = parse_mapping(self.query, "query", allow_none=True) or {}
        with contextlib.ExitStack() as held:
            # Claimed before the action runs: a path no retry can write fails the task before
            # an invoice is issued whose PDF would then have nowhere to go.
            target = (
                held.enter_context(Destination(self.attachment_path))
                if self.attachment_path
                else None
            )
            return self._run(query, target)

    def _run(self, query: dict[str, Any], target: Destination | None) -> Any:
        data = self.call(
            f"{self.action} {self.resource} {self.id}",
            lambda: self.hook.action(
                self.resource,
                self.id,
                self.action,
                row_version=self.row_version or None,
                skip_if_done=self.skip_if_done,
                **query,
            ),
            lambda answer: _describe(answer),
            plan=2,  # read the RowVersion, the action
        )
        if not (isinstance(data, dict) and "AttachmentData" in data):
            if self.attachment_path:
                raise AirflowFailException(
                    f"{self.action} on {self.resource} {self.id} returned no file, so nothing was "
                    f"written to {self.attachment_path}."
                )
            return data
        content = _decode(data)
        summary = {"file_name": data.get("AttachmentFileName"), "bytes": len(content)}
        if target is None:
            self.log.warning(
                "%s returned %s (%d bytes); give attachment_path to keep it.",
                self.action,
                data.get("AttachmentFileName"),
                len(content),
            )
            return summary | {"sha256": hashlib.sha256(content).hexdigest(), "path": None}
        written = target.write(content)
        self.log.info(
            "Wrote %s (%d bytes) to %s", summary["file_name"], written.size, written.target
        )
        return summary | {"path": str(written.target), "sha256": written.sha256}


def _decode(data: dict[str, Any]) -> bytes:
    try:
        return base64.b64decode(str(data["AttachmentData"]), validate=True)
    except (binascii.Error, ValueError):
        raise AirflowFailException(
            f"The attachment {data.get('AttachmentFileName')!r} is not valid base64."
        ) from None


def _describe(answer: Any) -> str:
    if isinstance(answer, dict) and "AttachmentFileName" in answer:
        return f"file {answer['AttachmentFileName']}"
    if isinstance(answer, dict) and "Status" in answer:
        return f"status {answer['Status']}"
    return "done"
