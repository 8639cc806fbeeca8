"""`python -m airflow_provider_minimax.sandbox`: run the sandbox in the foreground."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from .app import Sandbox
from .faults import parse_rule
from .settings import SCALES, SWITCHES, Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m airflow_provider_minimax.sandbox",
        description="A local Minimax-compatible API server for tests, demos and benchmarks.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8765, help="port (0: any free port)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated data")
    parser.add_argument("--scale", choices=SCALES, default="small", help="how much data")
    parser.add_argument("--country", choices=("SI", "HR", "RS"), default="SI")
    parser.add_argument("--max-page-size", type=int, default=1000)
    parser.add_argument("--token-lifetime", type=int, default=3600, help="seconds")
    parser.add_argument("--lockout-threshold", type=int, default=5)
    _choice(parser, "login_error_style", "how a refused login reads")
    _choice(parser, "error_style", "the body of a 4xx")
    parser.add_argument(
        "--concurrency-status",
        type=int,
        choices=SWITCHES["concurrency_status"],
        default=400,
        help="the status of a stale RowVersion",
    )
    _choice(parser, "location_style", "the form of a create's Location")
    _choice(parser, "search_scope", "the fields SearchString matches")
    _choice(parser, "action_row_version", "whether an action needs ?rowVersion=")
    _choice(parser, "write_answer", "what PUT and DELETE answer")
    _choice(parser, "budget_answer", "the answer over the request budget")
    parser.add_argument(
        "--request-budget", type=int, default=None, help="calls per org per rolling window"
    )
    parser.add_argument(
        "--budget-window",
        type=int,
        default=86_400,
        metavar="SECONDS",
        help="the rolling window of --request-budget (default a day)",
    )
    parser.add_argument(
        "--monthly-budget",
        type=int,
        default=None,
        help="calls per org per calendar month (the country's time zone)",
    )
    parser.add_argument("--ledger-rows", type=int, default=1_000_000, help="bench scale only")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="RULE",
        help="inject a fault: 503, 429:0.1, reset:times=1, latency:latency_ms=50, "
        "drop_response:method=POST, truncate, html:status=502 (repeatable)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser


def _choice(parser: argparse.ArgumentParser, name: str, what: str) -> None:
    """A switch with named positions: `--name-with-dashes first|second`, the first the default."""
    positions = [str(position) for position in SWITCHES[name]]
    parser.add_argument(
        "--" + name.replace("_", "-"), choices=positions, default=positions[0], help=what
    )


def settings_from(argv: Sequence[str] | None = None) -> tuple[argparse.Namespace, Settings]:
    """The parsed command line and the Settings it asks for."""
    args = _parser().parse_args(argv)
    settings = Settings(
        seed=args.seed,
        scale=args.scale,
        country=args.country,
        max_page_size=args.max_page_size,
        token_lifetime=args.token_lifetime,
        lockout_threshold=args.lockout_threshold,
        login_error_style=args.login_error_style,
        error_style=args.error_style,
        concurrency_status=args.concurrency_status,
        location_style=args.location_style,
        search_scope=args.search_scope,
        action_row_version=args.action_row_version,
        write_answer=args.write_answer,
        budget_answer=args.budget_answer,
        request_budget=args.request_budget,
        budget_window=args.budget_window,
        monthly_budget=args.monthly_budget,
        ledger_rows=args.ledger_rows,
    )
    return args, settings


def main(argv: Sequence[str] | None = None) -> int:
    args, settings = settings_from(argv)
    started = time.perf_counter()
    sandbox = Sandbox(
        settings,
        host=args.host,
        port=args.port,
        verbose=args.verbose,
        faults=[parse_rule(text) for text in args.fault],
    )
    organisations = ", ".join(
        f"{org.id} {org.title}" for org in sandbox.store.organisations.values() if org.api_access
    )
    print(
        f"Minimax sandbox ({settings.scale}, seed {settings.seed}) ready in "
        f"{time.perf_counter() - started:.1f} s at {sandbox.base_url}"
    )
    print(f"  token:         {sandbox.token_url}")
    print(f"  organisations: {organisations}")
    print(f"  admin:         {sandbox.root_url}/_sandbox/stats")
    print("Paste this into the shell that runs Airflow:")
    print(f"export AIRFLOW_CONN_MINIMAX_DEFAULT='{sandbox.airflow_connection}'", flush=True)
    try:
        sandbox.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
