"""Read one dbt artifact file and check it is the kind and schema version we can use.

dbt writes `metadata.dbt_schema_version` as a URL such as
`https://schemas.getdbt.com/dbt/manifest/v12.json`; that is the only reliable way to tell an
artifact's kind and version apart, so every reader starts here.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pipeline_kit.errors import InputFileError

_SCHEMA_URL = re.compile(r"/dbt/([a-z_-]+)/v(\d+)\.json$")


@dataclass(frozen=True)
class LoadedArtifact:
    path: Path
    data: dict[str, Any]
    kind: str
    schema_version: int
    # True when the file is newer than the newest schema we tested; we still read it because
    # we only use fields that have been stable for years, but callers should say so.
    newer_than_tested: bool


def read_json(path: Path, not_found: str = "file not found") -> object:
    """The parsed JSON of `path`; any failure to read or parse it is an InputFileError naming the
    file (`not_found` is the message for a missing one, so each command can say what makes it)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(path, not_found) from None
    except OSError as error:
        raise InputFileError(path, f"cannot read the file ({error.strerror})") from None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise InputFileError(
            path,
            f"not valid JSON (truncated or corrupt?): {error.msg} "
            f"(line {error.lineno}, column {error.colno})",
        ) from None
    except UnicodeDecodeError:
        raise InputFileError(path, "not valid JSON (not UTF-8 text)") from None
    except RecursionError:
        raise InputFileError(path, "not a dbt artifact (JSON nested too deeply to read)") from None


def load_artifact(path: Path, kind: str, oldest: int, newest: int) -> LoadedArtifact:
    """Parse `path` as a dbt `kind` artifact (e.g. "manifest", "run-results") of schema >= `oldest`."""
    data = read_json(path)
    label = kind.replace("-", "_")
    if not isinstance(data, dict):
        raise InputFileError(path, f"not a dbt {label} artifact (the top level is not a JSON object)")
    metadata = data.get("metadata")
    schema_url = metadata.get("dbt_schema_version") if isinstance(metadata, dict) else None
    if not isinstance(schema_url, str):
        raise InputFileError(path, f"not a dbt {label} artifact (no metadata.dbt_schema_version)")
    match = _SCHEMA_URL.search(schema_url)
    if match is None:
        raise InputFileError(path, f"not a dbt {label} artifact (unrecognised schema {schema_url!r})")
    found_kind, version = match.group(1), int(match.group(2))
    if found_kind != kind:
        raise InputFileError(path, f"is a dbt {found_kind.replace('-', '_')} artifact, expected {label}")
    if version < oldest:
        raise InputFileError(
            path, f"{label} schema v{version} is too old (supported: v{oldest} to v{newest}; re-run dbt)"
        )
    return LoadedArtifact(path, data, kind, version, newer_than_tested=version > newest)


def parse_timestamp(value: object) -> datetime | None:
    """dbt timestamps are ISO 8601, usually with a trailing Z (which Python 3.10 cannot parse)."""
    if not isinstance(value, str) or not value:
        return None
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)


def refuse_duplicate_results(path: Path, results: list[Any]) -> None:
    """dbt writes each node once in run_results.json: a unique_id twice (files merged by hand or a
    broken writer) would be counted twice in times, costs and scores."""
    seen: set[str] = set()
    for entry in results:
        unique_id = entry.get("unique_id") if isinstance(entry, dict) else None
        if isinstance(unique_id, str):
            if unique_id in seen:
                raise InputFileError(
                    path, f"'results' holds {unique_id!r} more than once (dbt writes each node once)"
                )
            seen.add(unique_id)


def as_str(value: object, default: str = "") -> str:
    return value if isinstance(value, str) else default


def as_float(value: object) -> float | None:
    """A finite number, else None: Python's JSON reader accepts NaN and Infinity, and an integer
    too large for a float; none of them is a time or a size, and NaN would reach the reports."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    # beyond 1e18 (an exabyte, 31 billion years) no size or time is real, and sums would overflow
    return number if math.isfinite(number) and abs(number) <= 1e18 else None


def finite_number(text: str | None) -> float | None:
    """A command-line or CSV number as a finite float, else None (empty, not a number, nan, inf)."""
    try:
        number = float(text.strip()) if text else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) else None


def as_str_tuple(value: object) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(item for item in value if isinstance(item, str))
    return ()


def as_dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []
