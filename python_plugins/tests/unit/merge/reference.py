"""A pure-Python reference model of pipeline_kit_merge, the spec the SQL is tested against.

A change is (key, seq, op, val): `key` a tuple (NULL-safe: None matches None), `seq` the ordering
value (None = oldest), `op` the operation ('D' deletes), `val` the payload. The target maps a key
to a Row. Rules (macros/incremental/pipeline_kit_merge.sql, the incremental merge section of the README):
1. One change per key per batch: the largest seq (None last); on a tie a delete wins, then the
   smallest row by (key..., seq, val) with None last.
2. A change applies only if the target row is missing, has seq None, or seq <= the change's seq.
3. hard: a delete removes the row. soft: a delete marks it (is_deleted, deleted_at = seq) and
   moves seq on, keeping the last values; an unseen key's delete is inserted as a tombstone.
   Soft, with a delete winning over other changes of its key in the batch: the latest of those
   (ranked as in rule 1) is applied first, then the delete, so the row keeps that change's values
   where it applies, as when the two arrive in batches of their own.
4. An upsert inserts, or updates val/seq (and clears the soft-delete mark) when anything differs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

DELETE_OPS = frozenset({"D"})


@dataclass(frozen=True)
class Change:
    key: tuple[Any, ...]
    seq: int | None
    op: str
    val: int | None

    @property
    def is_delete(self) -> bool:
        return self.op in DELETE_OPS


@dataclass(frozen=True)
class Row:
    val: int | None
    seq: int | None
    is_deleted: bool = False
    deleted_at: int | None = None


def _nulls_last(value: Any) -> tuple[int, Any]:
    return (1, 0) if value is None else (0, value)


def winners(batch: Iterable[Change]) -> dict[tuple[Any, ...], Change]:
    """Rule 1: the change kept for each key of a batch."""
    best: dict[tuple[Any, ...], Change] = {}

    def rank(change: Change) -> tuple[Any, ...]:
        # Smaller rank wins: seq descending with None last, deletes first, then the row ascending.
        seq_rank = (1, 0) if change.seq is None else (0, -change.seq)
        row = tuple(_nulls_last(v) for v in (*change.key, change.seq, change.val))
        return (seq_rank, 0 if change.is_delete else 1, row)

    for change in batch:
        current = best.get(change.key)
        if current is None or rank(change) < rank(current):
            best[change.key] = change
    return best


def apply_batch(
    table: dict[tuple[Any, ...], Row], batch: Iterable[Change], mode: str
) -> dict[tuple[Any, ...], Row]:
    """Rules 2-4: the target after one batch (a new dict; `table` is left alone)."""
    if mode not in {"hard", "soft"}:
        raise ValueError(f"unknown delete mode {mode!r}")
    changes = list(batch)
    won = winners(changes)
    if mode == "soft":
        live = winners(change for change in changes if not change.is_delete)
        before = {key: live[key] for key, change in won.items() if change.is_delete and key in live}
        table = _apply(table, before, mode)
    return _apply(table, won, mode)


def _apply(
    table: dict[tuple[Any, ...], Row], won: dict[tuple[Any, ...], Change], mode: str
) -> dict[tuple[Any, ...], Row]:
    result = dict(table)
    for key, change in won.items():
        target = result.get(key)
        if target is not None and target.seq is not None and (change.seq is None or change.seq < target.seq):
            continue  # older than the target row: never overwrites it
        if change.is_delete:
            if mode == "hard":
                result.pop(key, None)
            elif target is None:
                result[key] = Row(change.val, change.seq, True, change.seq)
            elif not target.is_deleted or target.seq != change.seq:
                result[key] = replace(target, seq=change.seq, is_deleted=True, deleted_at=change.seq)
        elif target is None or target.is_deleted or (target.val, target.seq) != (change.val, change.seq):
            result[key] = Row(change.val, change.seq)  # insert, or an update that changes something
    return result
