"""DAG-level settings for the generator: read from `airflow.yml`, overridden by CLI options.

Every key is validated here, so a typo is one error naming the file and the key rather than a
DAG that silently ignores it.
"""

from __future__ import annotations

import datetime
import importlib
import math
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from pipeline_kit.errors import InputFileError, PipelineKitError
from pipeline_kit.graph.plan import Granularity, GroupBy, PlanOptions, TestBehavior
from pipeline_kit.graph.task_settings import seconds

DEFAULT_ARG_KEYS = frozenset(
    {
        "owner",
        "retries",
        "retry_delay",
        "execution_timeout",
        "pool",
        "priority_weight",
        "depends_on_past",
        "email",
        "email_on_failure",
        "email_on_retry",
        "retry_exponential_backoff",
        "max_retry_delay",
    }
)
SECONDS_ARGS = frozenset({"retry_delay", "execution_timeout", "max_retry_delay"})
_DAG_ID = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")


@dataclass(frozen=True)
class DbtInvocation:
    """How tasks call dbt: absolute executable, directories, target and extra environment."""

    executable: str = "dbt"
    project_dir: str = "."
    profiles_dir: str | None = None
    target: str | None = None
    env: Mapping[str, str] = field(default_factory=dict, hash=False)
    # "subprocess": a dbt process per task; "in_process": dbt's Python API (dbtRunner) inside the
    # task's own process, which saves an interpreter start and dbt's imports per task.
    invocation: str = "subprocess"


@dataclass(frozen=True)
class DagSettings:
    dag_id: str = "dbt"
    schedule: str | None = None
    start_date: datetime.date = datetime.date(2024, 1, 1)
    catchup: bool = False
    tags: tuple[str, ...] = ("dbt",)
    max_active_tasks: int | None = None
    default_args: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class GeneratorConfig:
    dag: DagSettings = field(default_factory=DagSettings)
    dbt: DbtInvocation = field(default_factory=DbtInvocation)
    plan: PlanOptions = field(default_factory=PlanOptions)


_DAG_KEYS = {f.name for f in fields(DagSettings)}
_DBT_KEYS = {"dbt_executable", "project_dir", "profiles_dir", "target", "env", "dbt_invocation"}
_INVOCATIONS = ("subprocess", "in_process")
_PLAN_KEYS = {f.name for f in fields(PlanOptions)}
_ENUMS: dict[str, type[Any]] = {
    "granularity": Granularity,
    "test_behavior": TestBehavior,
    "group_by": GroupBy,
}


def load_config(path: str | Path | None, overrides: Mapping[str, Any]) -> GeneratorConfig:
    """The config file (if any) with CLI `overrides` (None values ignored) on top."""
    raw: dict[str, Any] = {}
    where = "command line"
    if path is not None:
        where = str(path)
        try:
            loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputFileError(path, "config file not found") from None
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise InputFileError(path, f"cannot read config: {error}") from None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, Mapping):
            raise InputFileError(path, "config must be a mapping of keys to values")
        raw = {str(key): value for key, value in loaded.items()}
    raw.update({key: value for key, value in overrides.items() if value is not None})
    return build_config(raw, where)


def build_config(raw: Mapping[str, Any], where: str = "config") -> GeneratorConfig:
    unknown = sorted(set(raw) - _DAG_KEYS - _DBT_KEYS - _PLAN_KEYS)
    if unknown:
        known = ", ".join(sorted(_DAG_KEYS | _DBT_KEYS | _PLAN_KEYS))
        raise PipelineKitError(f"{where}: unknown key {unknown[0]!r} (known keys: {known})")
    dag = DagSettings()
    dbt = DbtInvocation(executable=_default_dbt())
    plan = PlanOptions()
    for key, value in raw.items():
        label = f"{where}: {key}"
        if key in _DAG_KEYS:
            dag = replace(dag, **{key: _dag_value(key, value, label)})
        elif key in _DBT_KEYS:
            name = {"dbt_executable": "executable", "dbt_invocation": "invocation"}.get(key, key)
            dbt = replace(dbt, **{name: _dbt_value(key, value, label)})
        else:
            plan = replace(plan, **{key: _plan_value(key, value, label)})
    return GeneratorConfig(dag=dag, dbt=dbt, plan=plan)


def _default_dbt() -> str:
    return shutil.which("dbt") or "dbt"


def _dag_value(key: str, value: Any, label: str) -> Any:
    if key == "dag_id":
        if not isinstance(value, str) or not _DAG_ID.match(value):
            raise PipelineKitError(f"{label}: expected letters, digits, '_', '.' or '-', got {value!r}")
        return value
    if key == "schedule":
        return None if value in (None, "", "none", "None") else _schedule(_text(value, label), label)
    if key == "start_date":
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            raise PipelineKitError(f"{label}: expected a date like 2024-01-31, got {value!r}") from None
    if key == "catchup":
        return _bool(value, label)
    if key == "max_active_tasks":
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise PipelineKitError(f"{label}: expected a positive integer, got {value!r}")
        return value
    if key == "tags":
        return tuple(_text(tag, label) for tag in _sequence(value, label))
    return _default_args(value, label)


def _schedule(text: str, label: str) -> str:
    """An Airflow preset or a cron expression: anything else would be written into a DAG file that
    Airflow refuses to import. Cron is checked by croniter, as Airflow checks it, when installed
    (Airflow depends on it); otherwise by the five fields' ranges."""
    if text in _PRESETS:
        return text
    try:
        croniter = importlib.import_module("croniter")  # untyped: imported as Any
    except ImportError:
        valid = _basic_cron(text)
    else:
        valid = bool(croniter.croniter.is_valid(text))
    if not valid:
        presets = ", ".join(sorted(_PRESETS))
        raise PipelineKitError(f"{label}: expected a cron expression or one of {presets}, got {text!r}")
    return text


_PRESETS = frozenset(
    {"@once", "@continuous", "@hourly", "@daily", "@weekly", "@monthly", "@quarterly", "@yearly", "@annually"}
)
_MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
_WEEKDAYS = {name: number for number, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"))}
# minute, hour, day of month, month, day of week (7 is Sunday too): bounds and names
_CRON_FIELDS: tuple[tuple[int, int, Mapping[str, int]], ...] = (
    (0, 59, {}),
    (0, 23, {}),
    (1, 31, {}),
    (1, 12, _MONTHS),
    (0, 7, _WEEKDAYS),
)
_CRON_ITEM = re.compile(r"^(?:\*|(?P<low>\w+)(?:-(?P<high>\w+))?)(?:/(?P<step>\d+))?$")


def _basic_cron(text: str) -> bool:
    """Five fields of `*`, values, ranges and steps within each field's bounds."""
    parts = text.split()
    if len(parts) != len(_CRON_FIELDS):
        return False
    for part, (low, high, names) in zip(parts, _CRON_FIELDS, strict=True):
        for item in part.split(","):
            match = _CRON_ITEM.match(item)
            if match is None or match["step"] == "0":
                return False
            bounds = [_cron_number(match[key], names) for key in ("low", "high") if match[key]]
            numbers = [number for number in bounds if number is not None and low <= number <= high]
            if len(numbers) != len(bounds) or numbers != sorted(numbers):
                return False
    return True


def _cron_number(text: str, names: Mapping[str, int]) -> int | None:
    return int(text) if text.isdigit() else names.get(text.upper())


def _default_args(value: Any, label: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise PipelineKitError(f"{label}: expected a mapping, got {value!r}")
    result: dict[str, Any] = {}
    for key, item in sorted(value.items()):
        if key not in DEFAULT_ARG_KEYS:
            known = ", ".join(sorted(DEFAULT_ARG_KEYS))
            raise PipelineKitError(f"{label}: unknown key {key!r} (supported: {known})")
        if key in SECONDS_ARGS:
            result[str(key)] = seconds(item, f"{label}.{key}")
            continue
        # The DAG file renders these as Python literals: a list of plain values at most.
        if not (_plain(item) or (isinstance(item, list) and all(_plain(part) for part in item))):
            raise PipelineKitError(f"{label}.{key}: expected a plain value or a list of them, got {item!r}")
        result[str(key)] = item
    return result


def _plain(value: Any) -> bool:
    """Text, a boolean or a finite number (`nan` and `inf` are not Python literals)."""
    return isinstance(value, str | int | bool) or (isinstance(value, float) and math.isfinite(value))


def _dbt_value(key: str, value: Any, label: str) -> Any:
    if key == "env":
        if not isinstance(value, Mapping):
            raise PipelineKitError(f"{label}: expected a mapping of names to strings, got {value!r}")
        return {str(name): _text(item, f"{label}.{name}") for name, item in sorted(value.items())}
    if key == "dbt_invocation":
        if value not in _INVOCATIONS:
            raise PipelineKitError(f"{label}: expected one of {', '.join(_INVOCATIONS)}, got {value!r}")
        return value
    if key == "dbt_executable":
        text = _text(value, label)
        if os.sep in text or (os.altsep and os.altsep in text):
            # Tasks run in the project directory, so a relative path would resolve there instead.
            # abspath, not resolve(): following a venv's symlinks could leave the venv.
            return os.path.abspath(os.path.expanduser(text))
        found = shutil.which(text)  # relative when PATH holds a relative directory
        return os.path.abspath(found) if found else text
    if key in ("profiles_dir", "target") and value is None:
        return None
    return _text(value, label)


def _plan_value(key: str, value: Any, label: str) -> Any:
    if key in _ENUMS:
        enum = _ENUMS[key]
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            raise PipelineKitError(f"{label}: expected one of {allowed}, got {value!r}") from None
    if key in ("source_freshness", "source_tests"):
        return _bool(value, label)
    if key in ("select", "exclude", "split_tags"):
        return tuple(_text(item, label) for item in _sequence(value, label))
    if key == "selector":
        return None if value is None else _text(value, label)
    return _text(value, label)


def _text(value: Any, label: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PipelineKitError(f"{label}: expected text, got {value!r}")
    return str(value)


def _bool(value: Any, label: str) -> bool:
    if not isinstance(value, bool):
        raise PipelineKitError(f"{label}: expected true or false, got {value!r}")
    return value


def _sequence(value: Any, label: str) -> list[Any]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list | tuple):
        raise PipelineKitError(f"{label}: expected a list, got {value!r}")
    return list(value)
