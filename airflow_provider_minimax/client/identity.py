"""Who logs in, spelled as the service reads it: the lock-out guard's key and the token form.

Minimax locks an application login (username) of a client (client_id) at one service instance,
whatever the spelling of the address it was reached by. Two spellings of the same credentials
must therefore be one identity, or each would buy its own wrong attempt (127.0.0.1 and localhost,
a trailing dot, a pasted space). What is normalised here is also what is sent, so the guard never
stops a corrected login that merely looks alike: a space is never sent, so fixing it changes
nothing the service could see.

Normalised: surrounding spaces of the username and the client id; the case of the host and of the
country (the service ignores both). Never the password or the client secret: every character of
those counts at the service.
"""

from __future__ import annotations

import hashlib
import urllib.parse
from dataclasses import dataclass, field

from .config import COUNTRY_BASE_URLS, ClientConfig

_LOOPBACK = {"localhost", "127.0.0.1", "::1", "[::1]"}
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class LoginIdentity:
    service: str  # "SI", "HR", "RS"; or host:port/path where the base URL names no country
    client_id: str
    username: str
    client_secret: str = field(repr=False)
    password: str = field(repr=False)

    def fingerprint(self) -> str:
        """A stable name for these credentials at this service; reveals no secret."""
        parts = ("guard-v2", self.service, self.client_id, self.username)
        material = "\0".join((*parts, self.client_secret, self.password))
        return hashlib.sha256(material.encode("utf-8")).hexdigest()


def service_of(base_url: str) -> str:
    """The service instance a base URL reaches: its country segment (`…/SI/` -> `SI`).

    Minimax has one instance per country, each under its country's path; the host's spelling
    (moj.minimax.si, an IP, a trailing dot) does not make another one. A base URL without a
    country segment (a test server at its root) is known by its normalised host, port and path.
    """
    parts = urllib.parse.urlsplit(base_url.strip())
    segments = [segment for segment in parts.path.split("/") if segment]
    if segments and segments[-1].upper() in COUNTRY_BASE_URLS:
        return segments[-1].upper()
    host = (parts.hostname or "").rstrip(".").lower()
    if host in _LOOPBACK:
        host = "loopback"
    try:
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme.lower(), 0)
    except ValueError:  # not a number: the address is refused elsewhere
        port = 0
    return f"{host}:{port}/{'/'.join(segments).lower()}"


def identity_of(config: ClientConfig) -> LoginIdentity:
    credentials = config.credentials
    return LoginIdentity(
        service=service_of(config.base_url),
        client_id=credentials.client_id.strip(),
        username=credentials.username.strip(),
        client_secret=credentials.client_secret,
        password=credentials.password,
    )
