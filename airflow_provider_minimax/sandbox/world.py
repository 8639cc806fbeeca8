"""The sandbox's initial world: which organisations exist and what they hold.

Two organisations the login reaches (123 Demo d.o.o., 124 Primer d.o.o.) and one it does not
(125, no API access), each filled by the seeded data generator. At bench scale a third reachable
organisation (126 Bench d.o.o.) carries a large, generated, read-only general ledger; the
others then hold small data, so that the sandbox's memory is spent on nothing else.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from . import models
from .books import DataScale, generate_organisation
from .catalogue import KINDS
from .ledger import SyntheticLedger
from .settings import Settings
from .store import Organisation, Store, Table

TIME_ZONES = {"SI": "Europe/Ljubljana", "HR": "Europe/Zagreb", "RS": "Europe/Belgrade"}
_DEFAULT_WINDOW = {
    "small": ("2025-11-01", 61),
    "demo": ("2025-01-01", 365),
    "bench": ("2025-01-01", 365),
}


@dataclass(frozen=True)
class OrganisationPlan:
    id: int
    title: str
    city: str
    tax_number: str
    api_access: bool = True


ORGANISATIONS = (
    OrganisationPlan(123, "Demo d.o.o.", "Ljubljana", "12345679"),
    OrganisationPlan(124, "Primer d.o.o.", "Maribor", "23456787"),
    OrganisationPlan(125, "Zaklenjeno d.o.o.", "Celje", "34567895", api_access=False),
)
BENCH_ORGANISATION = OrganisationPlan(126, "Bench d.o.o.", "Kranj", "45678903")


def local_clock(country: str) -> Callable[[], datetime.datetime]:
    """Minimax writes date-times in the organisation's local time, without an offset."""
    zone = ZoneInfo(TIME_ZONES[country])

    def now() -> datetime.datetime:
        return datetime.datetime.now(zone).replace(tzinfo=None, microsecond=0)

    return now


def window(settings: Settings) -> tuple[datetime.date, int]:
    first, days = _DEFAULT_WINDOW[settings.scale]
    if settings.first_day:
        first = settings.first_day
    return datetime.date.fromisoformat(first), settings.days or days


def _organisation_record(store: Store, plan: OrganisationPlan, country: str) -> dict[str, Any]:
    record = models.blank("Organisation.Organisation")
    record.update(
        OrganisationId=plan.id,
        Title=plan.title,
        Address="Dunajska cesta 1",
        PostalCode={"Ljubljana": "1000", "Maribor": "2000", "Celje": "3000"}.get(plan.city, "4000"),
        City=plan.city,
        Country={"ID": 1, "Name": country, "ResourceUrl": None},
        TaxNumber=plan.tax_number,
        RegistrationNumber=f"{plan.id:010d}",
        VATIdentificationNumber=f"{country}{plan.tax_number}",
        Administrator={"ID": 1, "Name": "Sandbox Uporabnik", "ResourceUrl": None},
        Status="V",
        RecordDtModified="2024-12-01T08:00:00",
        RowVersion=store.new_row_version(),
    )
    return record


def _empty_organisation(store: Store, plan: OrganisationPlan, country: str) -> Organisation:
    tables = {kind.key: Table(kind) for kind in KINDS}
    return Organisation(
        plan.id, plan.title, plan.api_access, _organisation_record(store, plan, country), tables
    )


def _fill(store: Store, settings: Settings, organisation_id: int, scale: DataScale) -> None:
    first_day, days = window(settings)

    # One shared object per referenced record: a demo organisation holds ~100,000 references,
    # and nothing edits a reference in place (writes replace them), so sharing is safe.
    shared: dict[tuple[str, int, str | None], dict[str, object]] = {}

    def ref(kind_key: str, record_id: int, name: str | None) -> dict[str, object]:
        key = (kind_key, record_id, name)
        if key not in shared:
            shared[key] = store.ref(organisation_id, kind_key, record_id, name)
        return shared[key]

    generated = generate_organisation(
        seed=settings.seed,
        scale=scale,
        organisation_id=organisation_id,
        country=settings.country,
        first_day=first_day,
        days=days,
        new_id=store.new_id,
        ref=ref,
    )
    for kind_key, records in generated.items():
        store.load(organisation_id, kind_key, records)


def build_store(settings: Settings, base_url: str) -> Store:
    """A store holding the initial world for `settings` (the same every time for one seed)."""
    store = Store(base_url=base_url, clock=local_clock(settings.country))
    # Bench scale keeps the ordinary organisations small: its weight is the synthetic ledger.
    scale: DataScale = "demo" if settings.scale == "demo" else "small"
    for plan in ORGANISATIONS:
        store.add_organisation(_empty_organisation(store, plan, settings.country))
        # Nobody can read the organisation without API access: small data is enough there.
        _fill(store, settings, plan.id, scale if plan.api_access else "small")
    if settings.scale == "bench":
        bench = _empty_organisation(store, BENCH_ORGANISATION, settings.country)
        store.add_organisation(bench)
        _fill(store, settings, bench.id, "small")
        first_day, days = window(settings)
        bench.ledger = SyntheticLedger(
            store=store,
            organisation_id=bench.id,
            rows=settings.ledger_rows,
            first_day=first_day,
            days=days,
            seed=settings.seed,
        )
    return store
