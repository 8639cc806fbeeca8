"""Which organisation a call is for: the ones the login reaches, and the one chosen."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from .access import Record, listed
from .config import ClientConfig
from .errors import MinimaxConfigurationError, MinimaxResponseError


def reached_organisations(rows: Iterable[Record]) -> list[Record]:
    """`currentuser/orgs` rows as `{ID, Name, …}`, without those lacking API access."""
    reached = []
    for row in rows:
        org = row.get("Organisation")
        if not isinstance(org, Mapping) or not isinstance(org.get("ID"), int):
            raise MinimaxResponseError(
                "currentuser/orgs answered a row without Organisation.ID.",
                method="GET",
                path="currentuser/orgs",
            )
        if row.get("APIAccess", "D") == "N":
            continue
        reached.append({**org, **{k: v for k, v in row.items() if k != "Organisation"}})
    return reached


def chosen_organisation(
    config: ClientConfig,
    organisation_id: int | str | None,
    organisations: Callable[[], list[Record]],
) -> int:
    """The argument, else the configured one, else the only one the login reaches."""
    chosen = organisation_id if organisation_id not in (None, "") else config.organisation_id
    if chosen not in (None, ""):
        try:
            return int(chosen)
        except ValueError:
            raise MinimaxConfigurationError(
                f"organisation_id must be a number, not {chosen!r}."
            ) from None
    reached = organisations()
    if len(reached) == 1:
        return int(reached[0]["ID"])
    if not reached:
        raise MinimaxConfigurationError(
            f"The login {config.credentials.username!r} reaches no organisation with API "
            "access. Grant it API access in Minimax (user settings of the organisation)."
        )
    raise MinimaxConfigurationError(
        "The login reaches several organisations; choose one with organisation_id: "
        + listed(reached)
    )


def check_reachable(
    config: ClientConfig, organisations: list[Record], organisation_id: int
) -> None:
    """Before a write: the organisation must be one the login reaches."""
    ids = [org["ID"] for org in organisations]
    if organisation_id not in ids:
        raise MinimaxConfigurationError(
            f"Organisation {organisation_id} is not one the login "
            f"{config.credentials.username!r} reaches with API access "
            f"({', '.join(map(str, ids)) or 'none'}); nothing was written."
        )
