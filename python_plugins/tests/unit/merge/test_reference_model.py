"""The reference model itself, on hand-worked cases (so the property test compares with a spec
that is known to be right)."""

from __future__ import annotations

import pytest

from .reference import Change, Row, apply_batch, winners

A, B, NULL_KEY = ("a", 1), ("a", 2), (None, 1)


def test_latest_change_in_a_batch_wins_and_duplicates_collapse() -> None:
    batch = [Change(A, 1, "I", 10), Change(A, 3, "U", 30), Change(A, 2, "U", 20), Change(A, 3, "U", 30)]
    assert winners(batch)[A] == Change(A, 3, "U", 30)


def test_tie_on_seq_prefers_delete_then_smallest_row() -> None:
    assert winners([Change(A, 5, "U", 1), Change(A, 5, "D", 9)])[A].op == "D"
    assert winners([Change(A, 5, "U", 7), Change(A, 5, "U", 3)])[A].val == 3
    assert winners([Change(A, 5, "U", None), Change(A, 5, "U", 3)])[A].val == 3


def test_null_seq_is_oldest() -> None:
    assert winners([Change(A, None, "U", 1), Change(A, 0, "U", 2)])[A].val == 2
    table = apply_batch({}, [Change(A, 4, "I", 1)], "hard")
    assert apply_batch(table, [Change(A, None, "U", 2)], "hard") == table


def test_out_of_order_change_never_overwrites() -> None:
    table = apply_batch({}, [Change(A, 10, "I", 1)], "hard")
    assert apply_batch(table, [Change(A, 9, "U", 2)], "hard") == {A: Row(1, 10)}
    assert apply_batch(table, [Change(A, 9, "D", None)], "hard") == {A: Row(1, 10)}
    assert apply_batch(table, [Change(A, 10, "U", 2)], "hard") == {A: Row(2, 10)}


def test_hard_and_soft_deletes() -> None:
    table = apply_batch({}, [Change(A, 1, "I", 1), Change(B, 1, "I", 2)], "soft")
    soft = apply_batch(table, [Change(A, 2, "D", None), Change(NULL_KEY, 3, "D", 5)], "soft")
    assert soft == {A: Row(1, 2, True, 2), B: Row(2, 1), NULL_KEY: Row(5, 3, True, 3)}
    assert apply_batch(soft, [Change(A, 4, "U", 7)], "soft")[A] == Row(7, 4)
    hard = apply_batch(table, [Change(A, 2, "D", None), Change(NULL_KEY, 3, "D", 5)], "hard")
    assert hard == {B: Row(2, 1)}


def test_soft_delete_keeps_an_update_of_the_same_batch() -> None:
    table = apply_batch({}, [Change(A, 1, "I", 1), Change(B, 5, "I", 2)], "soft")
    # A: the update (seq 2) applies, then the delete (seq 3); B: the update is older than the row
    batch = [Change(A, 2, "U", 7), Change(A, 3, "D", None), Change(B, 4, "U", 9), Change(B, 6, "D", None)]
    one_batch = apply_batch(table, batch, "soft")
    assert one_batch == {A: Row(7, 3, True, 3), B: Row(2, 6, True, 6)}
    split = apply_batch(apply_batch(table, batch[0::2], "soft"), batch[1::2], "soft")
    assert one_batch == split
    # an unseen key inserted and deleted in one batch: a tombstone with the insert's values
    assert apply_batch({}, [Change(B, 1, "I", 4), Change(B, 1, "D", None)], "soft") == {B: Row(4, 1, True, 1)}
    assert apply_batch(one_batch, batch, "soft") == one_batch


def test_null_keys_match_each_other() -> None:
    table = apply_batch({}, [Change(NULL_KEY, 1, "I", 1)], "hard")
    assert apply_batch(table, [Change(NULL_KEY, 2, "U", 2)], "hard") == {NULL_KEY: Row(2, 2)}


def test_same_batch_twice_is_idempotent() -> None:
    batch = [Change(A, 1, "I", 1), Change(B, 2, "D", None), Change(A, 1, "U", 1)]
    once = apply_batch({}, batch, "soft")
    assert apply_batch(once, batch, "soft") == once


def test_unknown_mode_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown delete mode"):
        apply_batch({}, [], "archive")
