"""Unchanged rows make no version when the hash's definition changes between loads.

A load compares the batch's tracked state with the stored rows' state. It used to compare with
the hash stored when each row was written, so whatever changed that hash's definition made a new
version of every unchanged key the next batch carried:
- `check_cols` (or the strategy) changed between loads: the stored hashes covered the old columns;
- a session that writes a `timestamp with time zone` as text in another zone (PostgreSQL's and
  DuckDB's TimeZone setting): the same instant hashed to another value.
The stored rows are now hashed in the load's own session over the columns configured now.

And under strategy=check, a correction of an untracked (type-1) column sent with the same
updated_at as the stored row was taken for the row already loaded and ignored: the docs say a later
batch's row for a key and time replaces the stored one. It now does, on SCD2 and SCD1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..dbt_harness import AdapterTarget, DbtProject
from ..merge.warehouse import as_multiset, read_table
from .mini_project import mini_project

pytestmark = pytest.mark.integration

JAN, FEB, MAR = "2024-01-01 00:00:00", "2024-02-01 00:00:00", "2024-03-01 00:00:00"
COLUMNS = ["id", "name", "segment", "valid_from", "valid_to", "is_current"]

# key 1 is sent again with a newer updated_at and the same values; key 2 changes its segment
CHECK_COLS_MODEL = """\
{{ config(materialized='scd', scd_type=2, unique_key='id', updated_at='updated_at', strategy='check',
          check_cols=it_var('sh_check_cols')) }}
{%- set batch = it_var('sh_batch', 1) | int %}
select cast(v.id as integer) as id, cast(v.name as varchar(20)) as name,
  cast(v.segment as varchar(20)) as segment, cast(v.updated_at as timestamp) as updated_at
from (
  values
{%- if batch == 1 %}
  (1, 'a', 'x', '2024-01-01 00:00:00'), (2, 'b', 'x', '2024-01-01 00:00:00')
{%- else %}
  (1, 'a', 'x', '2024-02-01 00:00:00'), (2, 'b', 'y', '2024-02-01 00:00:00')
{%- endif %}
) as v (id, name, segment, updated_at)
"""


def _run(project: DbtProject, *args: str, **dbt_vars: object) -> None:
    result = project.run(*args, dbt_vars=dict(dbt_vars))
    assert result.ok, f"{args} {dbt_vars} on {project.target.name}:\n{result.tail()}"


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_check_cols_widened_between_loads_makes_no_version_of_an_unchanged_key(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(
        adapter, adapter_targets, tmp_root, tmp_path, {"sh_check_cols.sql": CHECK_COLS_MODEL}
    )
    _run(project, "run", "--full-refresh", sh_batch=1, sh_check_cols=["name"])
    # now segment is tracked too: key 1 has not changed, key 2 has (its segment)
    expected = sorted(
        [
            ("1", "a", "x", JAN, "", "true"),
            ("2", "b", "x", JAN, FEB, "false"),
            ("2", "b", "y", FEB, "", "true"),
        ]
    )
    for _ in range(2):  # and the same batch again changes nothing
        _run(project, "run", sh_batch=2, sh_check_cols=["name", "segment"])
        assert as_multiset(read_table(project, "sh_check_cols"), COLUMNS) == expected


# the tracked column is a timestamp with time zone; each load sets the session's zone first
ZONE_MODEL = """\
{{ config(materialized='scd', scd_type=2, unique_key='id', updated_at='updated_at', strategy='check',
          check_cols=['seen_at'], sql_header="set timezone = '" ~ it_var('sh_zone') ~ "';") }}
select cast(1 as integer) as id,
  cast('2024-01-01 12:00:00+00' as timestamp with time zone) as seen_at,
  cast('{{ it_var('sh_updated_at') }}' as timestamp) as updated_at
"""


@pytest.mark.parametrize("adapter", ["duckdb", "postgres"])
def test_the_same_instant_in_another_session_zone_makes_no_version(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, {"sh_zone.sql": ZONE_MODEL})
    _run(project, "run", "--full-refresh", sh_zone="UTC", sh_updated_at=JAN)
    _run(project, "run", sh_zone="America/New_York", sh_updated_at=FEB)
    _run(project, "run", sh_zone="Asia/Tokyo", sh_updated_at=MAR)
    rows = as_multiset(read_table(project, "sh_zone"), ["id", "valid_from", "valid_to", "is_current"])
    assert rows == [("1", JAN, "", "true")]


# load 1 stores the price as decimal(12,4); later loads select it as decimal(10,2), which the
# table takes (no fraction digit lost): 1.5 is `1.5000` in the table and `1.50` in the batch
SCALE_MODEL = """\
{{ config(materialized='scd', scd_type=2, unique_key='id', updated_at='updated_at', strategy='check',
          check_cols=['price']) }}
select cast(1 as integer) as id,
  cast(1.5 as decimal({{ it_var('sh_precision') }}, {{ it_var('sh_scale') }})) as price,
  cast('{{ it_var('sh_updated_at') }}' as timestamp) as updated_at
"""


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_a_narrower_decimal_in_the_batch_makes_no_version(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, {"sh_scale.sql": SCALE_MODEL})
    _run(project, "run", "--full-refresh", sh_precision=12, sh_scale=4, sh_updated_at=JAN)
    _run(project, "run", sh_precision=10, sh_scale=2, sh_updated_at=FEB)
    rows = as_multiset(read_table(project, "sh_scale"), ["id", "valid_from", "valid_to", "is_current"])
    assert rows == [("1", JAN, "", "true")]


# load 2 corrects key 1's name (untracked) with the same updated_at; key 2 is re-sent as it is
CORRECTION_MODEL = """\
{{ config(materialized='scd', scd_type=it_var('sh_type'), unique_key='id', updated_at='updated_at',
          strategy='check', check_cols=['segment']) }}
select cast(v.id as integer) as id, cast(v.name as varchar(20)) as name,
  cast(v.segment as varchar(20)) as segment, cast(v.updated_at as timestamp) as updated_at
from (
  values
  (1, '{{ 'Ann' if it_var('sh_batch') == 2 else 'Anne' }}', 'x', '2024-01-01 00:00:00'),
  (2, 'b', 'x', '2024-01-01 00:00:00')
) as v (id, name, segment, updated_at)
"""


@pytest.mark.parametrize("scd_type", [2, 1])
@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_a_type1_correction_at_the_same_time_is_applied(
    adapter: str, scd_type: int, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(
        adapter, adapter_targets, tmp_root, tmp_path, {"sh_correction.sql": CORRECTION_MODEL}
    )
    _run(project, "run", "--full-refresh", sh_batch=1, sh_type=scd_type)
    columns = ["id", "name", "segment", "updated_at"]
    for _ in range(2):  # the correction lands in place (no version), and a replay changes nothing
        _run(project, "run", sh_batch=2, sh_type=scd_type)
        rows = read_table(project, "sh_correction")
        assert as_multiset(rows, columns) == [("1", "Ann", "x", JAN), ("2", "b", "x", JAN)]


# SCD3: the attribute's stored values (the table's type) and the batch's are compared as text too
SCD3_SCALE_MODEL = """\
{{ config(materialized='scd', scd_type=3, unique_key='id', updated_at='updated_at', scd3_columns=['price']) }}
select cast(1 as integer) as id,
  cast({{ it_var('sh_price') }} as decimal({{ it_var('sh_precision') }}, {{ it_var('sh_scale') }})) as price,
  cast('{{ it_var('sh_updated_at') }}' as timestamp) as updated_at
"""


@pytest.mark.parametrize("adapter", ["duckdb", "postgres", "snowflake"])
def test_a_narrower_decimal_in_the_batch_is_no_scd3_change(
    adapter: str, adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(adapter, adapter_targets, tmp_root, tmp_path, {"sh_scd3.sql": SCD3_SCALE_MODEL})
    columns = ["id", "price", "previous_price", "price_changed_at"]
    _run(project, "run", "--full-refresh", sh_price=1.5, sh_precision=12, sh_scale=4, sh_updated_at=JAN)
    _run(project, "run", sh_price=1.5, sh_precision=10, sh_scale=2, sh_updated_at=FEB)
    assert as_multiset(read_table(project, "sh_scd3"), columns) == [("1", "1.5", "", "")]
    # a real change still is one: previous 1.5, changed when 2 arrived
    _run(project, "run", sh_price=2, sh_precision=10, sh_scale=2, sh_updated_at=MAR)
    assert as_multiset(read_table(project, "sh_scd3"), columns) == [("1", "2", "1.5", MAR)]


# Snowflake's to_varchar writes a date, time or timestamp in the session's output format: by
# default milliseconds only (a change in the microseconds was no change), and an account may set a
# coarser one. Those columns are hashed through explicit formats (nanoseconds; zoned values in UTC).
TYPED_TEXT_MODEL = """\
{{ config(materialized='scd', scd_type=2, unique_key=['id', 'day'], updated_at='updated_at', strategy='check',
          check_cols=['seen_at']) }}
select cast(1 as integer) as id, cast('2024-01-01' as date) as day,
  cast('{{ it_var('sh_seen_at') }}' as timestamp_ntz) as seen_at,
  cast('{{ it_var('sh_updated_at') }}' as timestamp_ntz) as updated_at
"""


def test_snowflake_hashes_dates_and_timestamps_in_explicit_formats(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Path, tmp_path: Path
) -> None:
    project = mini_project(
        "snowflake", adapter_targets, tmp_root, tmp_path, {"sh_typed.sql": TYPED_TEXT_MODEL}
    )
    first = "2024-01-01 10:00:00.123456"
    _run(project, "run", "--full-refresh", sh_seen_at=first, sh_updated_at=JAN)
    _run(project, "run", sh_seen_at=first, sh_updated_at=FEB)
    _run(project, "run", sh_seen_at="2024-01-01 10:00:00.123457", sh_updated_at=MAR)
    rows = as_multiset(read_table(project, "sh_typed"), ["id", "valid_from", "valid_to"])
    assert rows == [("1", JAN, MAR), ("1", MAR, "")]
    log = (project.target.workdir / "logs" / "dbt.log").read_text()
    assert "to_char(s.\"SEEN_AT\", 'YYYY-MM-DD HH24:MI:SS.FF9')" in log
    assert "to_char(s.\"DAY\", 'YYYY-MM-DD')" in log
    assert 'to_varchar(s."SEEN_AT")' not in log and 'to_varchar(s."DAY")' not in log
