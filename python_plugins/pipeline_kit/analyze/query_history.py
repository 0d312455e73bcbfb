"""A Snowflake QUERY_HISTORY (or QUERY_ATTRIBUTION_HISTORY) CSV export, and each dbt node's queries in it.

dbt's adapter_response records the query_id of a node's last statement only, while a node runs
several (an incremental model builds a temp table, merges and drops it; a table model adds grants
and comments; hooks run too). So a node's queries are its last statement plus every query of the
export that ran in the same Snowflake session and started within the node's run window: dbt runs
the nodes of one thread one after another on one connection, so in a session the time window
tells the nodes apart.

START_TIME may be ISO 8601 (`2024-05-01T10:00:00.123+00:00`, `...Z`), Snowflake's text for a
TIMESTAMP_LTZ (`2024-05-01 10:00:00.123 -0700`, up to 9 fractional digits) or naive text without
an offset. Naive text is ambiguous (it is in the exporting session's TIMEZONE) and is read as
UTC: export with an offset, or with the session's TIMEZONE set to UTC. dbt's run_results timings
are UTC.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pipeline_kit.artifacts.loading import finite_number
from pipeline_kit.errors import InputFileError

# Clock skew allowed between the dbt host (run_results timings) and Snowflake (START_TIME).
CLOCK_SKEW = timedelta(seconds=1)
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?\s*(Z|[+-]\d\d(?::?\d\d)?)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class QueryRow:
    """One query of the export; START_TIME is kept as text and parsed only when the row is needed."""

    query_id: str
    row_number: int  # 1 for the first row after the header
    line: int  # the file line where the record starts (the header is line 1)
    session_id: str
    start_time: str
    warehouse_size: str
    execution_ms: float | None
    attributed_credits: float | None  # CREDITS_ATTRIBUTED_COMPUTE
    cloud_credits: float  # CREDITS_USED_CLOUD_SERVICES, 0 when absent


@dataclass(frozen=True)
class QueryHistory:
    path: Path
    rows: Mapping[str, QueryRow]  # by QUERY_ID; a query exported twice counts once (its last row)
    has_sessions: bool  # the export has SESSION_ID and START_TIME columns


@dataclass(frozen=True)
class NodeWindow:
    """A node's recorded (last) statement and when the node ran, from run_results (UTC)."""

    anchor: QueryRow
    started_at: datetime
    completed_at: datetime


def read_query_history(path: Path) -> QueryHistory:
    """Read the export at `path` (header names any case); raise InputFileError naming it if unusable."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = [name.strip().upper() for name in next(reader, [])]
            records: list[tuple[int, list[str]]] = []
            line = reader.line_num + 1
            for values in reader:  # QUERY_TEXT may span lines: note where each record starts
                if values:
                    records.append((line, values))
                line = reader.line_num + 1
    except OSError as error:
        raise InputFileError(path, f"cannot read the query history ({error.strerror})") from None
    except (csv.Error, UnicodeDecodeError) as error:
        raise InputFileError(path, f"not a readable CSV file ({error})") from None
    if "QUERY_ID" not in header:
        raise InputFileError(path, "not a Snowflake QUERY_HISTORY export (no QUERY_ID column)")
    if not records:
        raise InputFileError(path, "the query history has no rows")
    rows: dict[str, QueryRow] = {}
    for row_number, (line, values) in enumerate(records, start=1):
        row = {name: value.strip() for name, value in zip(header, values, strict=False)}
        query_id = row.get("QUERY_ID", "")
        if not query_id:  # no query to join or count (and a node without a query_id must not match it)
            continue
        rows[query_id] = QueryRow(
            query_id=query_id,
            row_number=row_number,
            line=line,
            session_id=row.get("SESSION_ID", ""),
            start_time=row.get("START_TIME", ""),
            warehouse_size=row.get("WAREHOUSE_SIZE", ""),
            execution_ms=_csv_amount(row.get("EXECUTION_TIME")),
            attributed_credits=_csv_amount(row.get("CREDITS_ATTRIBUTED_COMPUTE")),
            cloud_credits=_csv_amount(row.get("CREDITS_USED_CLOUD_SERVICES")) or 0.0,
        )
    return QueryHistory(path, rows, has_sessions={"SESSION_ID", "START_TIME"} <= set(header))


def _csv_amount(text: str | None) -> float | None:
    """A time or credit count of the export: finite, not negative and at most 1e18, else None as an
    empty cell (1e308 credits overflowed the run's cost into an internal error; -5 made it negative)."""
    number = finite_number(text)
    return number if number is not None and 0 <= number <= 1e18 else None


def session_queries(history: QueryHistory, nodes: Mapping[str, NodeWindow]) -> dict[str, list[QueryRow]]:
    """unique_id -> the node's queries: its anchor, then every other query of the anchor's session
    that started within the node's window padded by CLOCK_SKEW. A query in the padded windows of
    two nodes of its session goes to the one whose unpadded window holds its start, else to the
    nearer window; if both hold it (windows overlap only through timing noise), to the node that
    started later, as nodes of one session run one after another."""
    found = {uid: [node.anchor] for uid, node in nodes.items()}
    # dbt gives every statement its own query_id, so no anchor is another node's.
    anchors = {node.anchor.query_id for node in nodes.values()}
    by_session: dict[str, list[tuple[str, NodeWindow]]] = {}
    for uid, node in nodes.items():
        by_session.setdefault(node.anchor.session_id, []).append((uid, node))
    for row in history.rows.values():
        if row.query_id in anchors or row.session_id not in by_session:
            continue
        started = _start_time(history.path, row)
        candidates = [
            (_distance(started, node), -node.started_at.timestamp(), uid)
            for uid, node in by_session[row.session_id]
            if node.started_at - CLOCK_SKEW <= started <= node.completed_at + CLOCK_SKEW
        ]
        if candidates:
            found[min(candidates)[2]].append(row)
    return found


def parse_query_timestamp(text: str) -> datetime | None:
    """A START_TIME/END_TIME as an aware datetime (naive text is UTC), None if not a timestamp."""
    match = _TIMESTAMP.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        zone = timezone.utc
        if offset and offset.upper() != "Z":
            digits = offset[1:].replace(":", "")
            hours, minutes = int(digits[:2]), int(digits[2:] or 0)
            if minutes >= 60:
                return None
            shift = timedelta(hours=hours, minutes=minutes)
            zone = timezone(-shift if offset[0] == "-" else shift)  # ValueError from 24 hours
        micro = int((fraction or "").ljust(6, "0")[:6])  # nanoseconds are cut to microseconds
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=zone
        )
    except ValueError:  # Feb 30, hour 25, an offset of a day or more
        return None


def _start_time(path: Path, row: QueryRow) -> datetime:
    started = parse_query_timestamp(row.start_time)
    if started is None:
        raise InputFileError(
            path,
            f"row {row.row_number} (line {row.line}, query {row.query_id}): "
            f"START_TIME {row.start_time!r} is not a timestamp",
        )
    return started


def _distance(moment: datetime, node: NodeWindow) -> float:
    """Seconds from `moment` to the node's unpadded window, 0 inside it."""
    if moment < node.started_at:
        return (node.started_at - moment).total_seconds()
    return max((moment - node.completed_at).total_seconds(), 0.0)
