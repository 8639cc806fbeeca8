"""The action operator: document actions, PDFs kept as files (atomically), reruns."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_minimax.operators.action import MinimaxActionOperator
from airflow_provider_minimax.sandbox import Sandbox
from tests.dagtools import xcoms
from tests.operators.helpers import stored


def action_calls(sandbox: Sandbox, name: str) -> int:
    """Requests on …/issuedinvoices/{id}/actions/<name>, in any letter case."""
    suffix = f"/issuedinvoices/{{id}}/actions/{name.lower()}"
    return sum(
        count for key, count in sandbox.stats()["by_route"].items() if key.lower().endswith(suffix)
    )


def act(invoice_id: int, action: str, **kwargs: Any) -> Any:
    return MinimaxActionOperator(
        task_id="act", resource="issuedinvoices", id=invoice_id, action=action, **kwargs
    ).execute(context={})


def assert_valid_pdf(content: bytes) -> None:
    """%PDF-1.x header, %%EOF trailer, and a startxref that points at the xref table."""
    assert content.startswith(b"%PDF-1.")
    assert content.rstrip(b"\r\n").endswith(b"%%EOF")
    offsets = re.findall(rb"startxref\s+(\d+)\s+%%EOF", content)
    assert offsets, "no startxref"
    assert content[int(offsets[-1]) :].startswith(b"xref")


def assert_no_base64(result: Any, content: bytes) -> None:
    text = json.dumps(result)
    assert base64.b64encode(content).decode()[:80] not in text
    assert "AttachmentData" not in text
    assert all(len(str(value)) < 300 for value in result.values())


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.rglob("*") if ".tmp" in path.name)


@pytest.mark.switch("action_row_version")
def test_issue_and_generate_pdf_keeps_a_valid_pdf(
    conn: Sandbox, draft: dict[str, Any], tmp_path: Path
) -> None:
    """The PDF is written to attachment_path; the result names it with size and checksum only."""
    target = tmp_path / "out" / "invoice.pdf"
    result = act(
        draft["IssuedInvoiceId"], "issueAndGeneratepdf", attachment_path=f"file://{target}"
    )
    assert set(result) == {"path", "bytes", "sha256", "file_name"}
    content = target.read_bytes()
    assert_valid_pdf(content)
    assert result["bytes"] == len(content)
    assert result["sha256"] == hashlib.sha256(content).hexdigest()
    assert result["path"].endswith(str(target))
    assert result["file_name"].endswith(".pdf")
    assert_no_base64(result, content)
    assert leftovers(tmp_path) == []
    assert [p.name for p in target.parent.iterdir()] == ["invoice.pdf"]
    assert stored(conn, "issuedinvoices", draft["IssuedInvoiceId"])["Status"] == "I"


@pytest.mark.switch("action_row_version")
def test_rerun_on_an_issued_invoice_only_makes_the_pdf(
    conn: Sandbox, draft: dict[str, Any], tmp_path: Path
) -> None:
    """Second run (skip_if_done default): generatepdf only, the file is rewritten, one issue."""
    target = tmp_path / "invoice.pdf"
    first = act(draft["IssuedInvoiceId"], "issueAndGeneratepdf", attachment_path=str(target))
    second = act(draft["IssuedInvoiceId"], "issueAndGeneratepdf", attachment_path=str(target))
    assert action_calls(conn, "issueAndGeneratepdf") == 1
    assert action_calls(conn, "generatepdf") == 1
    assert second["sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()
    assert second["file_name"] == first["file_name"]
    assert_valid_pdf(target.read_bytes())
    assert leftovers(tmp_path) == []


def test_rerun_without_skip_if_done_fails(conn: Sandbox, draft: dict[str, Any]) -> None:
    """skip_if_done=False on an issued invoice: the service refuses; the task fails."""
    act(draft["IssuedInvoiceId"], "issue")
    with pytest.raises(AirflowFailException, match="already issued"):
        act(draft["IssuedInvoiceId"], "issueAndGeneratepdf", skip_if_done=False)
    assert action_calls(conn, "issueAndGeneratepdf") == 1


@pytest.mark.switch("action_row_version")
def test_issue_returns_the_record(conn: Sandbox, draft: dict[str, Any]) -> None:
    """`issue` returns the answer's Data: the invoice, now Status "I"."""
    data = act(draft["IssuedInvoiceId"], "issue")
    assert data["IssuedInvoiceId"] == draft["IssuedInvoiceId"]
    assert data["Status"] == "I"
    assert (
        data["RowVersion"] == stored(conn, "issuedinvoices", draft["IssuedInvoiceId"])["RowVersion"]
    )


def test_pdf_without_attachment_path_returns_a_summary(
    conn: Sandbox, draft: dict[str, Any]
) -> None:
    """No attachment_path: file name, size and checksum; no base64 body in XCom."""
    result = act(draft["IssuedInvoiceId"], "issueAndGeneratepdf")
    assert result["path"] is None
    assert result["file_name"].endswith(".pdf")
    [attachment] = conn.attachments(123, "issuedinvoices", draft["IssuedInvoiceId"])
    content = base64.b64decode(attachment["AttachmentData"])
    assert result["bytes"] == len(content)
    assert result["sha256"] == hashlib.sha256(content).hexdigest()
    assert_no_base64(result, content)


def test_unwritable_target_fails_and_leaves_no_file(
    conn: Sandbox, draft: dict[str, Any], tmp_path: Path
) -> None:
    """attachment_path below a plain file: the task fails; no partial or temporary file."""
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    with pytest.raises(NotADirectoryError):
        act(
            draft["IssuedInvoiceId"],
            "issueAndGeneratepdf",
            attachment_path=f"file://{blocker}/invoice.pdf",
        )
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["blocker"]
    assert blocker.read_text() == "not a folder"


def test_target_that_is_a_folder_fails_and_leaves_no_temporary_file(
    conn: Sandbox, draft: dict[str, Any], tmp_path: Path
) -> None:
    """attachment_path naming an existing folder: the task fails; no .tmp file is left."""
    folder = tmp_path / "invoice.pdf"
    folder.mkdir()
    with pytest.raises((OSError, AirflowFailException)):
        act(draft["IssuedInvoiceId"], "issueAndGeneratepdf", attachment_path=str(folder))
    assert leftovers(tmp_path) == []


def test_action_query_as_json_text(conn: Sandbox, draft: dict[str, Any]) -> None:
    """The action's query given as rendered JSON text is accepted like a dict."""
    operator = MinimaxActionOperator(
        task_id="act",
        resource="issuedinvoices",
        id=draft["IssuedInvoiceId"],
        action="issue",
        query='{"issueCancellationReason": "none"}',
    )
    assert operator.execute({})["Status"] == "I"


def test_dag_params_are_not_sent_as_action_parameters(conn: Sandbox, draft: dict[str, Any]) -> None:
    """A DAG's Params stay the DAG's: the action's query holds only the action's own params."""
    from airflow.providers.common.compat.sdk import DAG

    with DAG("minimax_ops_params_leak", schedule=None, params={"invoice_note": "internal"}):
        operator = MinimaxActionOperator(
            task_id="act", resource="issuedinvoices", id=draft["IssuedInvoiceId"], action="issue"
        )
    urls: list[str] = []
    session = operator.hook.get_conn().transport.session
    session.hooks["response"].append(lambda response, *a, **k: urls.append(response.url))
    operator.execute({})
    [action_url] = [url for url in urls if "/actions/" in url]
    assert "invoice_note" not in action_url


TEMPLATED_DAG = """
import datetime

from airflow.providers.common.compat.sdk import dag

from airflow_provider_minimax.operators.action import MinimaxActionOperator


@dag(
    dag_id="{dag_id}",
    schedule=None,
    start_date=datetime.datetime(2025, 1, 1),
    catchup=False,
    params={{"invoice": {invoice}}},
)
def templated():
    MinimaxActionOperator(
        task_id="pdf",
        resource="issuedinvoices",
        id="{{{{ params.invoice }}}}",
        action="issueAndGeneratepdf",
        attachment_path="file://{folder}/{{{{ ds }}}}/invoice-{{{{ params.invoice }}}}.pdf",
    )


templated()
"""


def test_templated_attachment_path_renders_in_a_dag_run(
    run_dag: Any, conn: Sandbox, draft: dict[str, Any], tmp_path: Path
) -> None:
    """{{ ds }} in attachment_path renders in a real run; the file lands at the rendered path."""
    import datetime

    invoice = draft["IssuedInvoiceId"]
    source = TEMPLATED_DAG.format(
        dag_id="minimax_ops_templated_pdf", folder=tmp_path, invoice=invoice
    )
    day = datetime.datetime(2025, 11, 20, tzinfo=datetime.timezone.utc)
    dag_run = run_dag(source, "minimax_ops_templated_pdf", logical_date=day)
    assert dag_run.state == "success"
    target = tmp_path / "2025-11-20" / f"invoice-{invoice}.pdf"
    assert_valid_pdf(target.read_bytes())
    result = xcoms(dag_run)["pdf"]
    assert result["path"].endswith(str(target))
    assert result["sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()
