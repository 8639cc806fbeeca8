"""A plain Python client for the Minimax accounting API. It imports nothing from Airflow."""

from .access import Record, format_filter, listed
from .budget import Budget
from .budgetstate import BudgetState
from .client import MinimaxClient
from .config import COUNTRY_BASE_URLS, ClientConfig, Credentials
from .errors import (
    FieldError,
    MinimaxAmbiguousWriteError,
    MinimaxAuthError,
    MinimaxBudgetExhaustedError,
    MinimaxCallBudgetError,
    MinimaxConcurrencyError,
    MinimaxConfigurationError,
    MinimaxDeadlineError,
    MinimaxError,
    MinimaxLockoutGuardError,
    MinimaxNotFoundError,
    MinimaxPlanTooLargeError,
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
from .ledger import Ledger
from .localledger import LocalLedger
from .memoryledger import MemoryLedger
from .reservation import Reservation
from .resources import RESOURCES, Resource, resolve
from .sqlledger import SqlLedger
from .transport import CallStats
from .update import Changes

__all__ = [
    "COUNTRY_BASE_URLS",
    "RESOURCES",
    "Budget",
    "BudgetState",
    "CallStats",
    "Changes",
    "ClientConfig",
    "Credentials",
    "FieldError",
    "Ledger",
    "LocalLedger",
    "MemoryLedger",
    "MinimaxAmbiguousWriteError",
    "MinimaxAuthError",
    "MinimaxBudgetExhaustedError",
    "MinimaxCallBudgetError",
    "MinimaxClient",
    "MinimaxConcurrencyError",
    "MinimaxConfigurationError",
    "MinimaxDeadlineError",
    "MinimaxError",
    "MinimaxLockoutGuardError",
    "MinimaxNotFoundError",
    "MinimaxPlanTooLargeError",
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
    "Reservation",
    "Resource",
    "SqlLedger",
    "format_filter",
    "listed",
    "resolve",
]
