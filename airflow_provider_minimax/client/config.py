"""What a client needs to know: where Minimax is, who logs in, and how patient to be."""

from __future__ import annotations

import hashlib
import urllib.parse
from dataclasses import dataclass, field, fields
from pathlib import Path

from .errors import MinimaxConfigurationError
from .settings import LIMITS, check

COUNTRY_BASE_URLS = {
    "SI": "https://moj.minimax.si/SI/",
    "HR": "https://moj.minimax.hr/HR/",
    "RS": "https://moj.minimax.rs/RS/",
}
MAX_PAGE_SIZE = 10_000  # far above what the service serves; larger asks are surely a mistake
BUDGET_STORES = ("local", "sql")
DEFAULT_DEADLINE_FLOOR = 60.0  # seconds: a full page on a slow link, whatever the timeout


@dataclass(frozen=True)
class Credentials:
    """The OAuth2 client and the application login made in the Minimax web app."""

    client_id: str
    client_secret: str = field(repr=False)
    username: str
    password: str = field(repr=False)

    def __post_init__(self) -> None:
        for name in ("client_id", "client_secret", "username", "password"):
            if not getattr(self, name):
                raise MinimaxConfigurationError(
                    f"Minimax credentials need a {name}; set it in the connection "
                    "(login, password, extra client_id and client_secret)."
                )

    def fingerprint(self, token_url: str, scope: str) -> str:
        """A stable name for these exact credentials at this service; reveals no secret."""
        material = "\0".join(
            (
                token_url.lower(),
                scope,
                self.client_id,
                self.client_secret,
                self.username,
                self.password,
            )
        )
        return hashlib.sha256(material.encode("utf-8")).hexdigest()


def normalise_base_url(base_url: str | None, country: str | None = None) -> str:
    """The country's base, ending in `/`: `https://moj.minimax.si/SI/`.

    Accepts what users paste: no trailing slash, no scheme (`https://` is meant; `http://` on
    this machine), or the API root (`…/SI/API/`) instead of the base. A `country` that the base
    URL contradicts (HR with `…/SI/`) is refused: one of the two is a mistake, and guessing which
    would send the books to the wrong country's service.
    """
    code = (country or "").strip().upper() or None
    if code is not None and code not in COUNTRY_BASE_URLS:
        raise MinimaxConfigurationError(
            f"country must be one of {', '.join(COUNTRY_BASE_URLS)}, not {country!r}. "
            "Correct it, or leave it empty to take the country from the base URL."
        )
    if not base_url or not base_url.strip():
        return COUNTRY_BASE_URLS[code or "SI"]
    url = base_url.strip()
    if "://" not in url:
        host = url.split("/", 1)[0].rsplit(":", 1)[0].strip("[]")
        url = ("http://" if host in _LOCAL_HOSTS else "https://") + url
    url = url.rstrip("/") + "/"
    for suffix in ("api/", "API/api/"):
        if url.lower().endswith("/" + suffix.lower()):
            url = url[: -len(suffix)]
    named = country_of(url)
    if code is not None and named is not None and named != code:
        raise MinimaxConfigurationError(
            f"country {code} contradicts the base URL {url}, which is Minimax {named}. "
            f"Remove country, or make the base URL {COUNTRY_BASE_URLS[code]}."
        )
    return url


_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def country_of(base_url: str) -> str | None:
    """SI, HR or RS when the base URL's last path segment names one (`…/SI/`), else None."""
    segment = urllib.parse.urlsplit(base_url).path.rstrip("/").rsplit("/", 1)[-1].upper()
    return segment if segment in COUNTRY_BASE_URLS else None


@dataclass(frozen=True)
class ClientConfig:
    credentials: Credentials
    base_url: str = COUNTRY_BASE_URLS["SI"]
    scope: str | None = None  # None: minimax.<country of the base URL>, as the vendor samples do
    organisation_id: int | None = None
    page_size: int = 1000  # asked for; the service may serve fewer, and the client copes
    timeout: float = 60.0  # seconds, for connecting and for each read
    max_retries: int = 5  # retries of one idempotent call after the first attempt
    backoff_initial: float = 0.5  # seconds before the first retry; doubles, with jitter
    backoff_max: float = 30.0
    retry_after_cap: float = 120.0  # never wait longer than this for a Retry-After
    max_calls: int | None = None  # refuse to make more API calls than this (None: no budget)
    max_workers: int = 1  # pages fetched at once by list() once TotalRows is known
    renew_margin: float = 60.0  # renew a token this many seconds before it expires
    guard_dir: Path | None = None  # where refused logins are remembered; None: the user's cache
    # `timeout` bounds each socket read, not an exchange: a server trickling a byte at a time
    # never trips it. `deadline` bounds one exchange, request to last byte (None: see below).
    deadline: float | None = None
    # Answers are read up to this size, then refused: a 1,000-row page is about 1 MB.
    max_response_bytes: int = 64 * 1024 * 1024
    # The organisation's API budget, as Minimax grants it (reference.md, "Limits"), and the
    # calls this connection's tasks leave to others (the web app, a web shop's connection).
    daily_budget: int = 1000  # calls per rolling `budget_window`
    monthly_budget: int = 20_000  # calls per calendar month in the organisation's time zone
    reserve: int = 100
    budget_window: int = 86_400  # seconds; a sandbox started with a shorter one is matched
    budget_store: str = "local"  # "local": SQLite in ledger_dir; "sql": a SqlLedger passed in
    ledger_dir: Path | None = None  # None: the user's cache folder

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", normalise_base_url(self.base_url))
        if not self.scope:
            object.__setattr__(self, "scope", f"minimax.{self.country.lower()}")
        for item in fields(self):
            if item.name in LIMITS:
                check(item.name, getattr(self, item.name), item.default)
        for budget in ("daily_budget", "monthly_budget"):
            if self.reserve >= getattr(self, budget):
                raise MinimaxConfigurationError(
                    f"reserve ({self.reserve}) must be less than {budget} "
                    f"({getattr(self, budget)}): it is what this connection leaves to others "
                    f"out of {budget}. Lower reserve, or raise {budget}."
                )
        if self.budget_store not in BUDGET_STORES:
            raise MinimaxConfigurationError(
                f"budget_store must be one of {', '.join(BUDGET_STORES)}, not "
                f"{self.budget_store!r}: 'local' counts calls on this machine, 'sql' in a "
                "database every worker shares (the hook passes it)."
            )

    @property
    def country(self) -> str:
        """SI, HR or RS: the last path segment of the base URL (SI when it names none)."""
        return country_of(self.base_url) or "SI"

    @property
    def exchange_deadline(self) -> float:
        """Seconds one exchange may take: `deadline`, else 3 timeouts (never under a minute)."""
        if self.deadline is not None:
            return self.deadline
        return max(3 * self.timeout, DEFAULT_DEADLINE_FLOOR)

    @property
    def token_url(self) -> str:
        return f"{self.base_url}AUT/oauth20/token"

    @property
    def api_root(self) -> str:
        """Every resource path hangs below this: `…/SI/API/api/`."""
        return f"{self.base_url}API/api/"

    @property
    def fingerprint(self) -> str:
        return self.credentials.fingerprint(self.token_url, self.scope or "")
