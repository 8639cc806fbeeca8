"""Behaviour 5: the list envelope, paging with a capped PageSize, search, sort and filters."""

from __future__ import annotations

import pytest

from tests.support import Api


def test_list_envelope(api: Api) -> None:
    body = api.ok("GET", api.org("customers"))
    assert set(body) == {"Rows", "TotalRows", "CurrentPageNumber", "PageSize"}
    assert body["CurrentPageNumber"] == 1
    assert body["PageSize"] == 100  # the default
    assert body["TotalRows"] == api.sandbox.count(123, "customers")


def test_list_rows_are_the_slim_search_model(api: Api) -> None:
    row = api.ok("GET", api.org("customers"))["Rows"][0]
    assert list(row) == [
        "CustomerId",
        "Code",
        "Name",
        "Address",
        "PostalCode",
        "City",
        "Country",
        "TaxNumber",
        "Usage",
    ]
    full = api.ok("GET", api.org(f"customers/{row['CustomerId']}"))
    assert "RowVersion" in full and "RowVersion" not in row


def test_page_size_is_capped_and_paging_covers_every_row_once(api: Api) -> None:
    api.sandbox.configure(max_page_size=7)
    total = api.sandbox.count(123, "customers")
    seen: list[int] = []
    page = 1
    while True:
        body = api.ok("GET", api.org("customers"), params={"PageSize": 500, "CurrentPage": page})
        assert body["PageSize"] == 7  # asked for 500, got the server's cap
        assert body["TotalRows"] == total
        assert len(body["Rows"]) <= 7
        if not body["Rows"]:
            break
        seen += [row["CustomerId"] for row in body["Rows"]]
        page += 1
    assert len(seen) == total == len(set(seen))
    assert page == -(-total // 7) + 1


def test_page_past_the_end_is_empty(api: Api) -> None:
    body = api.ok("GET", api.org("customers"), params={"CurrentPage": 999})
    assert body["Rows"] == []
    assert body["TotalRows"] > 0


@pytest.mark.parametrize("value", ["0", "-5", "abc"])
def test_invalid_page_size_is_refused_naming_it(api: Api, value: str) -> None:
    response = api.get(api.org("customers"), params={"PageSize": value})
    assert response.status_code == 400
    assert response.json()["ValidationMessages"][0]["PropertyName"] == "PageSize"


def test_search_string(api: Api) -> None:
    customers = api.rows(api.org("customers"))
    name = customers[3]["Name"]
    found = api.rows(api.org("customers"), SearchString=name.lower())
    assert customers[3]["CustomerId"] in [row["CustomerId"] for row in found]
    assert all(
        name.lower() in row["Name"].lower()
        or name.lower() in (row["Code"] or "").lower()
        or name.lower() in (row["TaxNumber"] or "")
        or name.lower() in (row["City"] or "").lower()
        for row in found
    )


def test_sort_field_and_order(api: Api) -> None:
    ascending = api.rows(api.org("customers"), SortField="Name", Order="A")
    names = [row["Name"] for row in ascending]
    assert names == sorted(names)
    descending = api.rows(api.org("customers"), SortField="name", Order="D")
    assert [row["Name"] for row in descending] == names[::-1]


def test_order_is_stable_between_requests(api: Api) -> None:
    first = [row["IssuedInvoiceId"] for row in api.rows(api.org("issuedinvoices"))]
    second = [row["IssuedInvoiceId"] for row in api.rows(api.org("issuedinvoices"))]
    assert first == second


def test_unknown_sort_field_is_refused(api: Api) -> None:
    response = api.get(api.org("customers"), params={"SortField": "Shoe"})
    assert response.status_code == 400


DATE_WINDOWS = [
    ("journals", "DateFrom", "DateTo", "JournalDate"),
    ("journals/journal-entries", "DateFrom", "DateTo", "JournalDate"),
    ("issuedinvoices", "DateIssuedFrom", "DateIssuedTo", "DateIssued"),
    ("receivedinvoices", "DateReceivedFrom", "DateReceivedTo", "DateReceived"),
    ("orders", "DateFrom", "DateTo", "Date"),
    ("stockentry", "DateFrom", "DateTo", "Date"),
]


@pytest.mark.parametrize(("resource", "start", "end", "field"), DATE_WINDOWS)
def test_date_window_filters(api: Api, resource: str, start: str, end: str, field: str) -> None:
    everything = api.rows(api.org(resource))
    day = "2025-11-20"
    window = api.rows(api.org(resource), **{start: day, end: day})
    assert window, f"no {resource} on {day}"
    assert all(row[field][:10] == day for row in window)
    expected = [row for row in everything if row[field][:10] == day]
    assert len(window) == len(expected)
    # Both ends are inclusive days: two consecutive one-day windows add up to the two-day window.
    next_day = api.rows(api.org(resource), **{start: "2025-11-21", end: "2025-11-21"})
    both = api.rows(api.org(resource), **{start: day, end: "2025-11-21"})
    assert len(both) == len(window) + len(next_day)


def test_equality_filters_on_invoices(api: Api) -> None:
    invoices = api.rows(api.org("issuedinvoices"))
    customer_id = invoices[0]["Customer"]["ID"]
    mine = api.rows(api.org("issuedinvoices"), CustomerID=customer_id)
    assert mine and all(row["Customer"]["ID"] == customer_id for row in mine)
    drafts = api.rows(api.org("issuedinvoices"), Status="O")
    assert all(row["Status"] == "O" for row in drafts)
    assert len(drafts) == sum(row["Status"] == "O" for row in invoices)


def test_unknown_parameters_are_ignored_but_counted(api: Api) -> None:
    everything = api.ok("GET", api.org("customers"))
    ignored = api.ok("GET", api.org("customers"), params={"DateIssuedFrom": "2025-11-01"})
    assert ignored["TotalRows"] == everything["TotalRows"]
    assert api.sandbox.stats()["ignored_parameters"] == {"DateIssuedFrom": 1}


def test_synccandidates_window(api: Api) -> None:
    everything = api.rows(api.org("customers/synccandidates"))
    assert everything and set(everything[0]) == {"ID", "RecordDtModified", "RowVersion"}
    moments = sorted(row["RecordDtModified"] for row in everything)
    low, high = moments[len(moments) // 4], moments[len(moments) // 2]
    window = api.rows(
        api.org("customers/synccandidates"), RecordDtModifiedFrom=low, RecordDtModifiedTo=high
    )
    assert window
    assert all(low <= row["RecordDtModified"] <= high for row in window)
    assert len(window) == sum(low <= m <= high for m in moments)


def test_synccandidates_show_a_fresh_change(api: Api) -> None:
    customer = api.rows(api.org("customers"))[0]
    api.admin("POST", f"orgs/123/customers/{customer['CustomerId']}/change", json={"City": "Ptuj"})
    changed = api.ok("GET", api.org(f"customers/{customer['CustomerId']}"))
    window = api.rows(
        api.org("customers/synccandidates"), RecordDtModifiedFrom=changed["RecordDtModified"]
    )
    assert [row["ID"] for row in window] == [customer["CustomerId"]]
    assert window[0]["RowVersion"] == changed["RowVersion"]


def test_journal_entries_view_balances_per_journal(api: Api) -> None:
    entries = api.rows(api.org("journals/journal-entries"))
    totals: dict[int, list[float]] = {}
    for entry in entries:
        debit_credit = totals.setdefault(entry["Journal"]["ID"], [0.0, 0.0])
        debit_credit[0] += entry["Debit"] or 0
        debit_credit[1] += entry["Credit"] or 0
    assert totals
    assert all(round(d - c, 2) == 0 for d, c in totals.values())


def test_nested_contacts_of_a_customer(api: Api) -> None:
    every_contact = api.rows(api.org("contacts"))
    owner = every_contact[0]["Customer"]["ID"]
    rows = api.rows(api.org(f"customers/{owner}/contacts"))
    assert rows and all(row["Customer"]["ID"] == owner for row in rows)
    assert len(rows) == sum(row["Customer"]["ID"] == owner for row in every_contact)
