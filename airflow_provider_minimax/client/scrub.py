"""The secrets this process's clients hold, and the one function that cuts them out of text.

What a server says is not ours to trust: an HTML error page may echo the request's headers
(`Authorization: Bearer …`), a refused login may echo the form it was sent (password, client
secret). Every text that comes from the server passes `scrub()` before it reaches an error, a
log line, the lock-out guard's record or an Airflow Variable. The registry is fed where the
secrets are known: the credentials when a token source is made, each token when it is issued.
"""

from __future__ import annotations

import base64
import collections
import html
import json
import re
import threading
import urllib.parse

MASK = "***"
# A secret this short could be any word ("p" is in "password"): it is cut only where it stands
# alone (`password=p&`), so that a message stays readable and the secret still goes.
_SHORT = 6
# Tokens are renewed for as long as a worker lives; only the latest can be sent (and echoed),
# so older ones may be forgotten. Credentials stay for the life of the process.
_MAX_TOKENS = 32

_lock = threading.Lock()
_credentials: set[str] = set()
_tokens: collections.deque[str] = collections.deque(maxlen=_MAX_TOKENS)
_pattern: re.Pattern[str] | None = None


def spellings(secret: str) -> set[str]:
    """How a secret can come back: as sent, URL- and form-encoded, HTML- or JSON-escaped."""
    found = {
        secret,
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote(secret),
        urllib.parse.quote_plus(secret, safe=""),  # what a form body carries
        html.escape(secret),
        html.escape(secret, quote=False),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
    }
    # Percent escapes may come back in lower case (%2f); the pattern ignores case anyway, which
    # also catches an echo that changed a token's case.
    return {spelling for spelling in found if spelling}


def basic_value(client_id: str, client_secret: str) -> str:
    """The value of `Authorization: Basic …` for this client (the vendor's Python sample)."""
    return base64.b64encode(f"{client_id}:{client_secret}".encode()).decode("ascii")


def register_credentials(client_id: str, client_secret: str, password: str) -> None:
    """The client secret, the password and the Basic header built of the client's pair."""
    values = {client_secret, password, basic_value(client_id, client_secret)}
    with _lock:
        before = len(_credentials)
        _credentials.update(value for value in values if value)
        if len(_credentials) != before:
            _invalidate()


def register_token(*values: object) -> None:
    """An access or refresh token just issued (anything not a non-empty string is ignored)."""
    with _lock:
        for value in values:
            if isinstance(value, str) and value and value not in _tokens:
                _tokens.append(value)
                _invalidate()


def _invalidate() -> None:
    global _pattern
    _pattern = None


def _compiled() -> re.Pattern[str] | None:
    global _pattern
    with _lock:
        if _pattern is None:
            every: set[str] = set()
            for secret in (*_credentials, *_tokens):
                every |= spellings(secret)
            if not every:
                return None
            # Longest first: a secret that contains another is cut whole, not around the inner one.
            alternatives = [
                re.escape(spelling)
                if len(spelling) >= _SHORT
                else rf"(?<![^\W_]){re.escape(spelling)}(?![^\W_])"
                for spelling in sorted(every, key=len, reverse=True)
            ]
            _pattern = re.compile("|".join(alternatives), re.IGNORECASE)
        return _pattern


def scrub(text: str) -> str:
    """`text` with every spelling of every registered secret replaced by `***`."""
    if not text:
        return text
    pattern = _compiled()
    return text if pattern is None else pattern.sub(MASK, text)


def forget_secrets() -> None:
    """Forget every registered secret (tests; a fresh worker does the same)."""
    with _lock:
        _credentials.clear()
        _tokens.clear()
        _invalidate()
