"""A plain-Python reference for SCD2: what a dimension must answer for "state as of time T".

A change stream is a list of batches; each event is (key, changed_at, value). The reference
ignores batch boundaries and arrival order on purpose: the right answer depends only on the
events' own timestamps. For one key, the state as of T is the value of the latest event with
changed_at <= T (no state before the first event). Versions are the runs of equal consecutive
states, so a re-sent or unchanged value never starts a version. `stored_versions` is the same
answer for a table that, like a check-strategy dimension, keeps only when each version's state
was first and last seen.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any


@dataclass(frozen=True)
class Event:
    key: Hashable
    changed_at: datetime
    value: Any


@dataclass(frozen=True)
class Version:
    key: Hashable
    value: Any
    valid_from: datetime
    valid_to: datetime | None  # None = open (current)


def reference_versions(batches: Iterable[Sequence[Event]]) -> list[Version]:
    by_key: dict[Hashable, dict[datetime, Any]] = {}
    for batch in batches:
        for event in batch:
            by_key.setdefault(event.key, {})[event.changed_at] = event.value
    return _versions(by_key)


def stored_versions(batches: Iterable[Sequence[Event]]) -> list[Version]:
    """What a dimension loaded one batch at a time with strategy='check' can answer: the table
    keeps, per version, the first and the last time its state was seen, not the identical
    observations in between. So after each batch this reference forgets those inner
    observations too, and a late change that lands inside such a version holds until the
    version's last-seen time (reference_versions, which remembers everything, ends it at the
    first observation after it). With strategy='timestamp' the change time is part of the state,
    so runs have one observation each and nothing is forgotten."""
    known: dict[Hashable, dict[datetime, Any]] = {}
    for batch in batches:
        for event in batch:
            known.setdefault(event.key, {})[event.changed_at] = event.value
        for key, changes in known.items():
            times = sorted(changes)
            known[key] = {
                at: changes[at]
                for index, at in enumerate(times)
                if index in (0, len(times) - 1)
                or changes[times[index - 1]] != changes[at]
                or changes[times[index + 1]] != changes[at]
            }
    return _versions(known)


def _versions(by_key: dict[Hashable, dict[datetime, Any]]) -> list[Version]:
    """Each key's runs of equal consecutive states, in time order, as versions."""
    versions: list[Version] = []
    for key, changes in by_key.items():
        runs: list[tuple[datetime, Any]] = []
        for changed_at in sorted(changes):
            value = changes[changed_at]
            if not runs or runs[-1][1] != value:
                runs.append((changed_at, value))
        for index, (start, value) in enumerate(runs):
            end = runs[index + 1][0] if index + 1 < len(runs) else None
            versions.append(Version(key, value, start, end))
    return versions


def state_as_of(versions: Iterable[Version], at: datetime) -> dict[Hashable, Any]:
    """Each key's value in force at `at` (keys without a version covering `at` are absent)."""
    state: dict[Hashable, Any] = {}
    for version in versions:
        if version.valid_from <= at and (version.valid_to is None or at < version.valid_to):
            if version.key in state:
                raise AssertionError(f"two versions of {version.key!r} cover {at}")
            state[version.key] = version.value
    return state


def check_invariants(versions: Sequence[Version]) -> None:
    """One open version per key, ranges non-empty, contiguous and non-overlapping."""
    by_key: dict[Hashable, list[Version]] = {}
    for version in versions:
        by_key.setdefault(version.key, []).append(version)
    for key, rows in by_key.items():
        rows.sort(key=lambda v: v.valid_from)
        open_rows = [v for v in rows if v.valid_to is None]
        assert len(open_rows) == 1, f"{key!r}: {len(open_rows)} open versions"
        assert rows[-1].valid_to is None, f"{key!r}: the open version is not the last"
        for current, following in pairwise(rows):
            assert current.valid_to is not None and current.valid_from < current.valid_to, (
                f"{key!r}: empty range"
            )
            assert current.valid_to == following.valid_from, f"{key!r}: gap or overlap at {current.valid_to}"
            assert current.value != following.value, f"{key!r}: two consecutive versions with one state"
