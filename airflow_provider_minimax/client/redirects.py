"""Which redirects may be followed, and how their target is shown.

requests follows redirects to any host, re-sends a POST body on 307/308 and turns a 302 POST
into a GET whose answer looks like success. Minimax's API does not redirect (reference.md), so
a redirect is someone else's: a proxy, a moved service, a wrong base URL. The client follows
only a GET to the very same origin (scheme, host and port), a few hops at most; the token
request follows none (it carries the password and the client secret).
"""

from __future__ import annotations

import urllib.parse

MAX_REDIRECT_HOPS = 3
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_redirect(status: int) -> bool:
    return 300 <= status < 400


def target_of(location: str | None, current: str) -> str | None:
    """The absolute URL a Location names (it may be relative to the current one)."""
    if not location:
        return None
    return urllib.parse.urljoin(current, location.strip())


def _port(parts: urllib.parse.SplitResult) -> int | None:
    try:
        return parts.port
    except ValueError:  # a port that is not a number
        return None


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    port = _port(parts)
    if port is None and parts.netloc.rsplit("@", 1)[-1].rpartition("]")[2].count(":"):
        return (scheme, "", None)  # a port that is not a number: nobody's origin
    return (scheme, (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme))


def same_origin(first: str, second: str) -> bool:
    """Same scheme, host and port (a default port counts as given); never a host-less URL."""
    return origin(first)[1] != "" and origin(first) == origin(second)


def shown(url: str | None) -> str:
    """Where a redirect pointed, for a message: no user info, query or fragment (secrets live
    there: a proxy's login page may carry a ticket, a hijacker's a copy of ours)."""
    if not url:
        return "(no Location)"
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    port = _port(parts)
    if port is not None:
        host = f"{host}:{port}"
    query = "?…" if parts.query else ""
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", "")) + query
