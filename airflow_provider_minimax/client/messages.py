"""The service's own words from an error answer, whatever shape it came in.

Minimax does not publish its error bodies. Seen or likely: ASP.NET's `{"Message": …}`,
`{"ValidationMessages": [{"Message", "PropertyName"}]}`, OAuth's `{"error", "error_description"}`,
plain text such as `Bad Request`, and HTML error pages from a proxy.
"""

from __future__ import annotations

import html
import re
from typing import Any

import requests

from .errors import FieldError

_MAX_TEXT = 300
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
            found.append(FieldError(str(name) if name else None, str(item["Message"])))
    return found


def server_words(response: requests.Response) -> str:
    """A short, human text of what the service said (never the request, never a secret)."""
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
            return "; ".join(parts)[:_MAX_TEXT]
    if isinstance(body, str) and body:
        return body[:_MAX_TEXT]
    text = response.text or ""
    if "<html" in text.lower():
        title = _TITLE.search(text)
        text = title.group(1) if title else _TAGS.sub(" ", text)
        text = "HTML error page: " + " ".join(html.unescape(text).split())
    text = " ".join(text.split())
    return (
        text[:_MAX_TEXT]
        or f"(empty body, HTTP {response.status_code} {response.reason or ''})".strip()
    )
