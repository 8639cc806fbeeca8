"""The service's own words from an error answer, whatever shape it came in.

Minimax does not publish its error bodies. Seen or likely: ASP.NET's `{"Message": …}`,
`{"ValidationMessages": [{"Message", "PropertyName"}]}`, OAuth's `{"error", "error_description"}`,
plain text such as `Bad Request`, and HTML error pages from a proxy.

This is where the server's words enter the client, so this is where they are scrubbed of every
secret the client holds (scrub.py): a page may echo the request it answers. Scrubbing comes
before any cutting or squeezing of whitespace, which could leave half a secret behind.
"""

from __future__ import annotations

import html
import re
from typing import Any

import requests

from .errors import FieldError
from .scrub import scrub

_MAX_TEXT = 300
# Only the head of a large page is read for words: scrubbing megabytes would cost seconds. The
# cut's last few kilobytes go too, as a secret cut in two there would no longer be recognised.
_SCAN = 100_000
_SCAN_MARGIN = 4_096
_TAGS = re.compile(r"<[^>]+>")
_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except (ValueError, RecursionError):
        return None


def field_errors(response: requests.Response) -> list[FieldError]:
    body = _json(response)
    if not isinstance(body, dict):
        return []
    items = body.get("ValidationMessages")
    if not isinstance(items, list):
        return []
    found = []
    for item in items:
        if isinstance(item, dict) and item.get("Message"):
            name = item.get("PropertyName")
            found.append(
                FieldError(scrub(str(name)) if name else None, scrub(str(item["Message"])))
            )
    return found


def server_words(response: requests.Response) -> str:
    """A short, human text of what the service said (never the request, never a secret)."""
    return scrub(_words(response))[:_MAX_TEXT]


def _words(response: requests.Response) -> str:
    body = _json(response)
    if isinstance(body, dict):
        parts = []
        if body.get("Message"):
            parts.append(str(body["Message"]))
        if body.get("error"):
            description = body.get("error_description")
            parts.append(f"{body['error']}: {description}" if description else str(body["error"]))
        parts += [str(error) for error in field_errors(response) if str(error.message) not in parts]
        if parts:
            return "; ".join(parts)
    if isinstance(body, str) and body:
        return body
    # The raw text first: a secret is whole here, before tags, entities and spaces are undone.
    text = response.text or ""
    if len(text) > _SCAN:
        text = text[: _SCAN - _SCAN_MARGIN]
    text = scrub(text)
    if "<html" in text.lower():
        title = _TITLE.search(text)
        text = title.group(1) if title else _TAGS.sub(" ", text)
        text = "HTML error page: " + " ".join(html.unescape(text).split())
    text = " ".join(text.split())
    return text or f"(empty body, HTTP {response.status_code} {response.reason or ''})".strip()
