"""`python -m airflow_provider_minimax.budget`: the organisation's API budget, from the ledger.

    python -m airflow_provider_minimax.budget --conn-id minimax_default [--organisation-id 123]

prints the calls used in the rolling 24 hours and in the month, the reserve, what is left for
the connection's tasks and when calls free up; `--json` prints the same as JSON. It reads the
ledger the connection's `budget_store` names and makes no API call when the organisation is
known (given, or the connection's); otherwise it looks the organisation up (a call and a token).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Sequence


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m airflow_provider_minimax.budget",
        description="The organisation's Minimax API budget, as the call ledger counts it.",
    )
    parser.add_argument("--conn-id", default="minimax_default", help="the minimax connection")
    parser.add_argument("--organisation-id", type=int, default=None, help="default: the conn's")
    parser.add_argument("--json", action="store_true", help="print JSON instead of lines")
    return parser


def _lines(state: dict[str, object]) -> list[str]:
    frees_at = state.get("frees_at") or "now (calls are free)"
    blocked = state.get("blocked_until")
    lines = [
        f"organisation:        {state['organisation_id']}",
        f"used in {state['window_seconds']} s:     {state['used_window']} of "
        f"{state['daily_budget']}",
        f"used this month:     {state['used_month']} of {state['monthly_budget']}",
        f"reserve:             {state['reserve']} (left to others: the web app, other connections)",
        f"reserved by others:  {state['reserved_by_others']}",
        f"left for this conn:  {state['available']}",
        f"calls free up:       {frees_at}",
        f"ledger:              {state['store']}",
    ]
    if blocked:
        lines.insert(-1, f"Minimax said spent:  until {blocked}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from airflow_provider_minimax.client import MinimaxError
    from airflow_provider_minimax.hooks.minimax import MinimaxHook

    try:
        # Airflow 2 logs "Retrieving connection" to standard output (its handler looks the
        # stream up as it writes): there it goes to standard error, and stdout holds the budget.
        with contextlib.redirect_stdout(sys.stderr):
            state = MinimaxHook(args.conn_id, organisation_id=args.organisation_id).budget()
    except MinimaxError as error:
        print(f"Minimax budget of {args.conn_id}: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # no such connection (Airflow's own error), no ledger to read
        print(f"Minimax budget of {args.conn_id}: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    shown = state.as_dict()
    print(json.dumps(shown, indent=2) if args.json else "\n".join(_lines(shown)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
