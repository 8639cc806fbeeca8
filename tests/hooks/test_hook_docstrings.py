"""Every public method of MinimaxHook says what it takes and what it gives."""

from __future__ import annotations

import inspect

from airflow_provider_minimax.hooks.minimax import MinimaxHook


def public_methods() -> dict[str, object]:
    return {
        name: member
        for name, member in vars(MinimaxHook).items()
        if not name.startswith("_")
        and (callable(getattr(member, "__func__", member)) or hasattr(member, "func"))
    }


def test_every_public_method_has_a_docstring_with_each_parameter() -> None:
    methods = public_methods()
    assert {"get", "create", "update", "lookup", "test_connection"} <= set(methods)
    for name, member in methods.items():
        function = getattr(member, "func", None) or getattr(member, "__func__", member)
        doc = inspect.getdoc(function)
        assert doc, f"MinimaxHook.{name} has no docstring"
        for parameter in list(inspect.signature(function).parameters)[1:]:  # self, cls
            assert f":param {parameter}:" in doc, f"MinimaxHook.{name}: no :param {parameter}:"
