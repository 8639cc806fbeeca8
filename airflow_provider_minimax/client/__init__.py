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
    MinimaxDeadlineError,
    MinimaxError,
    MinimaxLockoutGuardError,
    MinimaxNotFoundError,
    MinimaxRateLimitError,
    MinimaxRedirectError,
    MinimaxResponseError,
    MinimaxResponseTooLargeError,
    MinimaxServerError,
    MinimaxTokenRedirectError,
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
    "MinimaxDeadlineError",
    "MinimaxError",
    "MinimaxLockoutGuardError",
    "MinimaxNotFoundError",
    "MinimaxRateLimitError",
    "MinimaxRedirectError",
    "MinimaxResponseError",
    "MinimaxResponseTooLargeError",
    "MinimaxServerError",
    "MinimaxTokenRedirectError",
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
