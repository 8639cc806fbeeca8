"""Whether a retry can help is a property of each error class: `retry_may_help`."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

import airflow_provider_minimax.client.errors as errors
from airflow_provider_minimax.client import (
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
from airflow_provider_minimax.sandbox import FaultRule, Sandbox

DECIDED = {
    MinimaxError: True,
    MinimaxConfigurationError: False,
    MinimaxAuthError: False,
    MinimaxTokenUnavailableError: True,
    MinimaxLockoutGuardError: False,
    MinimaxNotFoundError: True,
    MinimaxValidationError: False,
    MinimaxConcurrencyError: False,
    MinimaxRateLimitError: True,
    MinimaxCallBudgetError: False,
    MinimaxBudgetExhaustedError: False,
    MinimaxPlanTooLargeError: False,
    MinimaxServerError: True,
    MinimaxResponseError: True,
    MinimaxTruncationError: True,
    MinimaxAmbiguousWriteError: False,
    MinimaxUnreadCreateError: False,
    MinimaxRedirectError: False,
    MinimaxTokenRedirectError: False,
    MinimaxDeadlineError: True,
    MinimaxResponseTooLargeError: False,
}


def test_every_error_class_is_decided() -> None:
    """A new error class must be decided here, not inherit an answer by accident."""
    classes = {
        c
        for _, c in inspect.getmembers(errors, inspect.isclass)
        if c.__module__ == errors.__name__ and issubclass(c, MinimaxError)
    }
    assert classes == set(DECIDED)
    assert {c: c.retry_may_help for c in classes} == DECIDED


def test_a_subclass_inherits_its_parents_answer() -> None:
    class Stricter(MinimaxValidationError):
        pass

    class Flakier(MinimaxServerError):
        pass

    assert Stricter("x").retry_may_help is False
    assert Flakier("x").retry_may_help is True


def test_a_token_endpoint_outage_is_an_auth_error_worth_a_retry(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    """HTTP 503 from the token URL: still a MinimaxAuthError, but not a refusal."""
    minimax_sandbox.add_fault(FaultRule("status", status=503, path="oauth20/token"))
    with pytest.raises(MinimaxTokenUnavailableError) as caught:
        make_client().organisations()
    assert isinstance(caught.value, MinimaxAuthError)
    assert caught.value.status == 503
    assert caught.value.retry_may_help is True


def test_a_refused_login_is_not_worth_a_retry(minimax_sandbox: Sandbox, make_client: Any) -> None:
    minimax_sandbox.add_fault(FaultRule("status", status=403, path="customers"))
    with pytest.raises(MinimaxAuthError) as caught:
        make_client().get("customers", 1)
    assert type(caught.value) is MinimaxAuthError
    assert caught.value.retry_may_help is False
