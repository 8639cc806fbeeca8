"""A plain Python client for the Minimax accounting API. It imports nothing from Airflow."""

from .client import MinimaxClient, format_filter
from .config import COUNTRY_BASE_URLS, ClientConfig, Credentials
from .errors import (
    FieldError,
    MinimaxAmbiguousWriteError,
    MinimaxAuthError,
    MinimaxCallBudgetError,
    MinimaxConcurrencyError,
    MinimaxConfigurationError,
    MinimaxError,
    MinimaxLockoutGuardError,
    MinimaxNotFoundError,
    MinimaxRateLimitError,
    MinimaxResponseError,
    MinimaxServerError,
    MinimaxTruncationError,
    MinimaxValidationError,
)
from .resources import RESOURCES, Resource, resolve
from .transport import CallStats

__all__ = [
    "COUNTRY_BASE_URLS",
    "RESOURCES",
    "CallStats",
    "ClientConfig",
    "Credentials",
    "FieldError",
    "MinimaxAmbiguousWriteError",
    "MinimaxAuthError",
    "MinimaxCallBudgetError",
    "MinimaxClient",
    "MinimaxConcurrencyError",
    "MinimaxConfigurationError",
    "MinimaxError",
    "MinimaxLockoutGuardError",
    "MinimaxNotFoundError",
    "MinimaxRateLimitError",
    "MinimaxResponseError",
    "MinimaxServerError",
    "MinimaxTruncationError",
    "MinimaxValidationError",
    "Resource",
    "format_filter",
    "resolve",
]
