"""A plain Python client for the Minimax accounting API. It imports nothing from Airflow."""

from .access import Record, format_filter
from .client import MinimaxClient, listed
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
    MinimaxTokenUnavailableError,
    MinimaxTruncationError,
    MinimaxUnreadCreateError,
    MinimaxValidationError,
)
from .resources import RESOURCES, Resource, resolve
from .transport import CallStats
from .update import Changes

__all__ = [
    "COUNTRY_BASE_URLS",
    "RESOURCES",
    "CallStats",
    "Changes",
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
    "MinimaxTokenUnavailableError",
    "MinimaxTruncationError",
    "MinimaxUnreadCreateError",
    "MinimaxValidationError",
    "Record",
    "Resource",
    "format_filter",
    "listed",
    "resolve",
]
