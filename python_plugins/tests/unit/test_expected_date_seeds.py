"""The committed expected seeds for date_spine / date_dimension equal what the independent
Python reference (integration_tests/scripts/generate_date_expected.py) produces now."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

REPO_ROOT = Path(__file__).resolve().parents[3]
SCRIPT = REPO_ROOT / "integration_tests" / "scripts" / "generate_date_expected.py"
SEED_DIR = REPO_ROOT / "integration_tests" / "seeds" / "date_spine"
MODEL_DIR = REPO_ROOT / "integration_tests" / "models" / "date_spine"


def load_reference() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_date_expected", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_seeds_match_the_reference() -> None:
    reference = load_reference()
    for file_name, text in reference.expected_files().items():
        assert (SEED_DIR / file_name).read_text() == text, f"{file_name} is stale: rerun {SCRIPT.name}"


def test_every_case_has_a_model_calling_the_macro_with_the_same_arguments() -> None:
    reference = load_reference()
    for name, (datepart, start, end) in reference.SPINE_CASES.items():
        sql = (MODEL_DIR / f"{name}.sql").read_text()
        assert f"pipeline_kit.date_spine('{datepart}', '{start}', '{end}')" in sql, name
    for name, (start, end, _) in reference.DIMENSION_CASES.items():
        assert f"pipeline_kit.date_dimension('{start}', '{end}'" in (MODEL_DIR / f"{name}.sql").read_text()


def test_reference_half_open_interval_and_month_clamping() -> None:
    reference = load_reference()
    days = [v.date().isoformat() for v in reference.spine("day", "2024-02-27", "2024-03-02")]
    assert days == ["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01"]
    months = [v.date().isoformat() for v in reference.spine("month", "2024-01-31", "2024-04-30")]
    assert months == ["2024-01-31", "2024-02-29", "2024-03-31"]
    assert list(reference.spine("hour", "2024-01-01 00:00", "2024-01-01 00:00")) == []
