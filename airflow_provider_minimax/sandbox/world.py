"""The sandbox's initial world: which organisations exist and what they hold.

Two organisations the login reaches (123 Demo d.o.o., 124 Primer d.o.o.) and one it does not
(125, no API access), each filled by the seeded data generator. At bench scale a third reachable
organisation (126 Bench d.o.o.) carries a large, generated, read-only general ledger; the
others then hold small data, so that the sandbox's memory is spent on nothing else.

The organisations have the same IDs in every country's world; their names, towns, tax numbers
and code lists are the country's (see books/profiles.py for what differs).
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

    address: str = "Dunajska cesta 1"
    postal_code: str = "4000"


ORGANISATIONS = (
    OrganisationPlan(123, "Demo d.o.o.", "Ljubljana", "12345679", postal_code="1000"),
    OrganisationPlan(124, "Primer d.o.o.", "Maribor", "23456787", postal_code="2000"),
    OrganisationPlan(
        125, "Zaklenjeno d.o.o.", "Celje", "34567895", api_access=False, postal_code="3000"
    ),
)
BENCH_ORGANISATION = OrganisationPlan(126, "Bench d.o.o.", "Kranj", "45678903")
# The same four in Croatia (OIB: ten digits and an ISO 7064 check digit) and in Serbia (PIB:
# eight digits and the same check).
COUNTRY_ORGANISATIONS: dict[str, tuple[tuple[OrganisationPlan, ...], OrganisationPlan]] = {
    "SI": (ORGANISATIONS, BENCH_ORGANISATION),
    "HR": (
        (
            OrganisationPlan(123, "Demo d.o.o.", "Zagreb", "12345678903", True, "Ilica 1", "10000"),
            OrganisationPlan(
                124, "Primjer d.o.o.", "Split", "23456789013", True, "Riva 2", "21000"
            ),
            OrganisationPlan(
                125, "Zaključano d.o.o.", "Rijeka", "34567890125", False, "Korzo 3", "51000"
            ),
        ),
        OrganisationPlan(126, "Bench d.o.o.", "Osijek", "45678901239", True, "Trg 4", "31000"),
    ),
    "RS": (
        (
            OrganisationPlan(
                123, "Demo d.o.o.", "Beograd", "102345675", True, "Knez Mihailova 1", "11000"
            ),
            OrganisationPlan(
                124, "Primer d.o.o.", "Novi Sad", "103456781", True, "Zmaj Jovina 2", "21000"
            ),
            OrganisationPlan(
                125, "Zaključano d.o.o.", "Niš", "104567899", False, "Obrenovićeva 3", "18000"
            ),
        ),
        OrganisationPlan(
            126, "Bench d.o.o.", "Kragujevac", "105678913", True, "Kralja Petra 4", "34000"
        ),
    ),
}
ADMINISTRATORS = {"SI": "Sandbox Uporabnik", "HR": "Sandbox Korisnik", "RS": "Sandbox Korisnik"}


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
        Address=plan.address,
        PostalCode=plan.postal_code,
        City=plan.city,
        # Replaced by a reference to the country's record once the code lists exist (not in the
        # Slovenian world, whose books are pinned as they were).
        Country={"ID": 1, "Name": country, "ResourceUrl": None},
        TaxNumber=plan.tax_number,
        RegistrationNumber=f"{plan.id:010d}",
        # A Serbian PIB is the VAT number itself; elsewhere the country prefix comes first.
        VATIdentificationNumber=(
            plan.tax_number if country == "RS" else f"{country}{plan.tax_number}"
        ),
        Administrator={"ID": 1, "Name": ADMINISTRATORS[country], "ResourceUrl": None},
        Status="V",
        RecordDtModified="2024-12-01T08:00:00",
        RowVersion=store.new_row_version(),
    )
    return record


def _empty_organisation(store: Store, plan: OrganisationPlan, country: str) -> Organisation:
    tables = {kind.key: Table(kind) for kind in KINDS}
    return Organisation(
        plan.id,
        plan.title,
        plan.api_access,
        _organisation_record(store, plan, country),
        tables,
        country=country,
    )


def _fill(
    store: Store, settings: Settings, organisation_id: int, scale: DataScale, index: int
) -> None:
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
        organisation_index=index,
    )
    for kind_key, records in generated.items():
        store.load(organisation_id, kind_key, records)
    if settings.country != "SI":
        organisation = store.organisations[organisation_id]
        countries = organisation.tables["countries"].records.values()
        home = next(row for row in countries if row["Code"] == settings.country)
        organisation.record["Country"] = store.ref(
            organisation_id, "countries", home["CountryId"], home["Name"]
        )


def build_store(settings: Settings, base_url: str) -> Store:
    """A store holding the initial world for `settings` (the same every time for one seed)."""
    store = Store(base_url=base_url, clock=local_clock(settings.country))
    # Bench scale keeps the ordinary organisations small: its weight is the synthetic ledger.
    scale: DataScale = "demo" if settings.scale == "demo" else "small"
    plans, bench_plan = COUNTRY_ORGANISATIONS[settings.country]
    for index, plan in enumerate(plans):
        store.add_organisation(_empty_organisation(store, plan, settings.country))
        # Nobody can read the organisation without API access: small data is enough there.
        _fill(store, settings, plan.id, scale if plan.api_access else "small", index)
    if settings.scale == "bench":
        bench = _empty_organisation(store, bench_plan, settings.country)
        store.add_organisation(bench)
        _fill(store, settings, bench.id, "small", len(plans))
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
