"""Refusals the sandbox answers with, before they are given the shape the settings choose."""

from __future__ import annotations

from dataclasses import dataclass

CONCURRENCY_MESSAGE = "Concurrency error - record changed by another action (RowVersion)"


@dataclass
class ApiError(Exception):
    """An HTTP error answer: status, the service's words and, for validation, the field."""

    status: int
    message: str
    property_name: str | None = None
    retry_after: int | None = None

    def __str__(self) -> str:
        return f"{self.status} {self.message}"


def not_found(what: str) -> ApiError:
    return ApiError(404, f"{what} not found.")


def invalid(property_name: str, message: str) -> ApiError:
    return ApiError(400, message, property_name)
