"""Writes airflow_provider_minimax/client/models.json from the vendor's models.

The client's own digest of the vendor's Swagger (the client may import neither the sandbox nor
exports): per resource, the fields and types of its list rows ("list"), full records ("record")
and create bodies ("body"). The client checks create payloads and update changes against it;
the CSV and Parquet writers take each column's type from it before the first row. Run after the
vendor's Swagger changes:  .venv/bin/python scripts/client_models.py   (a test checks it is current)
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "airflow_provider_minimax" / "sandbox" / "vendor_models.json"
ENDPOINTS = ROOT / "tests" / "contract" / "endpoints.json"
OUTPUT = ROOT / "airflow_provider_minimax" / "client" / "models.json"
PREFIX = "SAOP.API.Models."
ORG = "/api/orgs/{organisationId}/"


def kind_of(vendor_type: str, models: dict[str, Any]) -> Any:
    base = vendor_type.split()[0]
    if base in ("integer", "int64"):
        return "int"
    if base == "number":
        return "number"
    if base == "boolean":
        return "bool"
    if base == "ref:SAOP.API.Common.mMApiFkField":
        return "ref"
    if base.startswith("array:ref:"):
        return {"rows": shape_of(base.removeprefix("array:ref:"), models)}
    if base.startswith("array:"):
        return {"list": kind_of(base.removeprefix("array:"), models)}
    if base.startswith("ref:"):
        return {"object": shape_of(base.removeprefix("ref:"), models)}
    return "text"  # string, date-time, enums


def shape_of(model: str, models: dict[str, Any]) -> dict[str, Any]:
    return {name: kind_of(kind, models) for name, kind in models[model]["fields"].items()}


def build() -> dict[str, dict[str, Any]]:
    models = json.loads(MODELS.read_text("utf-8"))
    endpoints = json.loads(ENDPOINTS.read_text("utf-8"))
    shapes: dict[str, dict[str, Any]] = {}
    for op in endpoints:
        if op["method"] == "POST" and op["path"].startswith(ORG) and op["body"] in models:
            path = re.sub(r"\{\w+Id\}", "{id}", op["path"][len(ORG) :])
            shapes.setdefault(path, {})["body"] = shape_of(op["body"], models)
            continue
        if op["method"] != "GET" or not op["path"].startswith(ORG) or not op["response"]:
            continue
        path = re.sub(r"\{\w+Id\}", "{id}", op["path"][len(ORG) :])
        response = op["response"]
        if response.startswith(PREFIX + "SearchResult["):
            model = response[len(PREFIX + "SearchResult[") : -1]
            shapes.setdefault(path, {})["list"] = shape_of(model, models)
        elif path.endswith("/{id}") and response in models:
            shapes.setdefault(path[: -len("/{id}")], {})["record"] = shape_of(response, models)
    return dict(sorted(shapes.items()))


if __name__ == "__main__":
    OUTPUT.write_text(json.dumps(build(), indent=1, sort_keys=False) + "\n", "utf-8")
    print(f"wrote {OUTPUT}")
