"""Write the expected seeds for the date_spine and date_dimension cases.

An independent reference in plain Python (datetime, isocalendar), so the SQL is checked against
calendar arithmetic it does not share. A unit test re-runs this and diffs the committed seeds.
Run: python integration_tests/scripts/generate_date_expected.py
"""

from __future__ import annotations

import calendar
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent.parent / "seeds" / "date_spine"

# model name -> (datepart, start, end); mirrors integration_tests/models/date_spine/*.sql
SPINE_CASES: dict[str, tuple[str, str, str]] = {
    "spine_day_leap": ("day", "2024-02-27", "2024-03-02"),
    "spine_day_non_leap": ("day", "2023-02-27", "2023-03-02"),
    "spine_hour_dst_us": ("hour", "2024-03-09 22:00", "2024-03-10 04:00"),
    "spine_hour_dst_eu": ("hour", "2024-10-26 23:00:00", "2024-10-27 04:00:00"),
    "spine_hour_partial": ("hour", "2024-01-01 00:00", "2024-01-01 02:30"),
    "spine_week_year_end": ("week", "2024-12-23", "2025-01-21"),
    "spine_month_clamp": ("month", "2024-01-31", "2024-06-01"),
    "spine_quarter_clamp": ("quarter", "2023-11-30", "2024-12-01"),
    "spine_year_leap_day": ("year", "2020-02-29", "2025-01-01"),
}

DIMENSION_CASES: dict[str, tuple[str, str, int]] = {
    "date_dimension_calendar": ("2024-02-26", "2024-03-04", 1),
    "date_dimension_fiscal_april": ("2023-12-28", "2024-04-03", 4),
}

MONTHS = {"month": 1, "quarter": 3, "year": 12}


def parse(text: str) -> dt.datetime:
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(text)


def add_periods(start: dt.datetime, datepart: str, count: int) -> dt.datetime:
    if datepart == "hour":
        return start + dt.timedelta(hours=count)
    if datepart == "day":
        return start + dt.timedelta(days=count)
    if datepart == "week":
        return start + dt.timedelta(weeks=count)
    index = start.year * 12 + start.month - 1 + count * MONTHS[datepart]
    year, month = divmod(index, 12)
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return start.replace(year=year, month=month + 1, day=day)


def spine(datepart: str, start: str, end: str) -> Iterator[dt.datetime]:
    first, stop = parse(start), parse(end)
    k = 0
    while (value := add_periods(first, datepart, k)) < stop:
        yield value
        k += 1


def dimension_row(day: dt.date, fiscal_start: int) -> dict[str, object]:
    iso_year, iso_week, iso_dow = day.isocalendar()
    fiscal_year = day.year + (1 if fiscal_start != 1 and day.month >= fiscal_start else 0)
    return {
        "date_key": int(day.strftime("%Y%m%d")),
        "date_day": day.isoformat(),
        "day_of_week": iso_dow,
        "day_of_week_name": calendar.day_name[iso_dow - 1],
        "day_of_month": day.day,
        "day_of_year": day.timetuple().tm_yday,
        "iso_week": iso_week,
        "iso_year": iso_year,
        "iso_week_start_date": (day - dt.timedelta(days=iso_dow - 1)).isoformat(),
        "month_of_year": day.month,
        "month_name": calendar.month_name[day.month],
        "quarter_of_year": (day.month - 1) // 3 + 1,
        "calendar_year": day.year,
        "is_weekend": "true" if iso_dow >= 6 else "false",
        "first_day_of_month": day.replace(day=1).isoformat(),
        "last_day_of_month": day.replace(day=calendar.monthrange(day.year, day.month)[1]).isoformat(),
        "fiscal_year": fiscal_year,
        "fiscal_quarter": ((day.month - fiscal_start) % 12) // 3 + 1,
    }


def expected_files() -> dict[str, str]:
    """File name -> CSV text for every expected seed."""
    files: dict[str, str] = {}
    for name, (datepart, start, end) in SPINE_CASES.items():
        column = f"date_{datepart}"
        timestamped = datepart == "hour"
        lines = [column] + [
            v.strftime("%Y-%m-%d %H:%M:%S") if timestamped else v.date().isoformat()
            for v in spine(datepart, start, end)
        ]
        files[f"{name}_expected.csv"] = "\n".join(lines) + "\n"
    for name, (start, end, fiscal_start) in DIMENSION_CASES.items():
        rows = [dimension_row(v.date(), fiscal_start) for v in spine("day", start, end)]
        header = list(rows[0])
        body = [",".join(str(row[col]) for col in header) for row in rows]
        files[f"{name}_expected.csv"] = "\n".join([",".join(header), *body]) + "\n"
    return files


def main() -> int:
    SEED_DIR.mkdir(parents=True, exist_ok=True)
    for file_name, text in expected_files().items():
        (SEED_DIR / file_name).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
