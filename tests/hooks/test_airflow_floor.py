"""The provider refuses an Airflow older than 2.11, saying what to do."""

from __future__ import annotations

import pytest

from airflow_provider_minimax._compat import airflow_version, check_airflow_version


@pytest.mark.parametrize("old", ["2.10.5", "2.9.0", "1.10.15"])
def test_older_airflow_is_refused_with_a_clear_message(old: str) -> None:
    with pytest.raises(
        RuntimeError, match=rf"needs Apache Airflow >= 2\.11; this environment has {old}"
    ):
        check_airflow_version(old)


@pytest.mark.parametrize("supported", ["2.11.0", "2.11.2", "3.0.6", "3.3.2", "3.10.0"])
def test_supported_versions_pass(supported: str) -> None:
    check_airflow_version(supported)


def test_this_environment_is_supported_and_the_check_runs_on_import() -> None:
    import airflow

    assert airflow_version() == airflow.__version__
    import airflow_provider_minimax.operators as operators

    assert operators.check_airflow_version is check_airflow_version
