"""The token endpoint's request and refusal, as the two kinds of vendor sample send them.

The C# and PHP samples post all six fields in the form; the Python sample sends `client_id` and
`client_secret` as HTTP Basic authentication with the other four in the form (reference.md,
"Authentication"), and both work on the real service. Basic credentials, when sent, are the
client's: a wrong pair is refused as `invalid_client` and counted like any refused login.
"""

from __future__ import annotations

import base64
import binascii
import urllib.parse

from .auth import LoginRefused
from .exchange import Request, Response


def token_form(request: Request) -> dict[str, str]:
    """The grant's fields: the form, with the client's credentials from Basic auth if sent."""
    form = {
        key: values[-1]
        for key, values in urllib.parse.parse_qs(
            request.body.decode("utf-8", "replace"), keep_blank_values=True
        ).items()
    }
    scheme, _, value = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return form
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    client_id, colon, client_secret = decoded.partition(":")
    # Taken as sent: RFC 6749 asks for form-encoding inside the header, but the usual HTTP
    # libraries (requests' auth=(id, secret) among them) send the pair raw.
    form["client_id"] = client_id if colon else ""
    form["client_secret"] = client_secret if colon else ""
    return form


def refusal(refused: LoginRefused, style: str) -> Response:
    if style == "plain":
        return Response(400, b"Bad Request", "text/plain; charset=utf-8")
    return Response.json(400, {"error": refused.error, "error_description": refused.description})
