"""The SCD2 reference model itself (so the property tests compare against something checked)."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from .reference import Event, check_invariants, reference_versions, state_as_of, stored_versions

T0 = datetime(2024, 1, 1)


def t(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_out_of_order_and_multi_change_batches() -> None:
    batches = [
        [Event(1, t(0), "a")],
        [Event(1, t(20), "c"), Event(1, t(10), "b")],  # two changes, listed out of order
        [Event(1, t(15), "x"), Event(1, t(30), "c")],  # a late change, then an unchanged value
    ]
    versions = reference_versions(batches)
    check_invariants(versions)
    assert [(v.value, v.valid_from, v.valid_to) for v in versions] == [
        ("a", t(0), t(10)),
        ("b", t(10), t(15)),
        ("x", t(15), t(20)),
        ("c", t(20), None),
    ]
    assert state_as_of(versions, t(-1)) == {}
    assert state_as_of(versions, t(16)) == {1: "x"}
    assert state_as_of(versions, t(99)) == {1: "c"}


def test_null_is_a_state() -> None:
    versions = reference_versions([[Event("k", t(0), None), Event("k", t(1), "v"), Event("k", t(2), None)]])
    assert [v.value for v in versions] == [None, "v", None]


events = st.lists(
    st.builds(Event, st.integers(0, 3), st.integers(0, 50).map(t), st.sampled_from(["a", "b", None])),
    max_size=30,
)


@given(st.lists(events, min_size=1, max_size=4))
def test_reference_is_independent_of_batching(batches: list[list[Event]]) -> None:
    flat = [event for batch in batches for event in batch]
    # later events win for the same key and time, as in one big batch in arrival order
    assert reference_versions(batches) == reference_versions([flat])
    versions = reference_versions(batches)
    check_invariants(versions)
    for minute in range(-1, 52):
        expected = {}
        for event in flat:
            if event.changed_at <= t(minute):
                best = max(
                    (e for e in flat if e.key == event.key and e.changed_at <= t(minute)),
                    key=lambda e: e.changed_at,
                )
                # the last listed event at the latest time wins
                latest = [e for e in flat if e.key == event.key and e.changed_at == best.changed_at][-1]
                expected[event.key] = latest.value
        assert state_as_of(versions, t(minute)) == expected


def test_stored_versions_forget_identical_observations_inside_a_version() -> None:
    # c seen at 14, then at 2 and 22 (one version, first seen 2, last seen 22), then a late a at 11
    batches = [[Event(1, t(14), "c")], [Event(1, t(2), "c"), Event(1, t(22), "c")], [Event(1, t(11), "a")]]
    stored = stored_versions(batches)
    check_invariants(stored)
    assert [(v.value, v.valid_from, v.valid_to) for v in stored] == [
        ("c", t(2), t(11)),
        ("a", t(11), t(22)),  # until c was last seen: the observation at 14 is not kept
        ("c", t(22), None),
    ]
    assert [(v.value, v.valid_to) for v in reference_versions(batches)][1] == ("a", t(14))


@given(st.lists(events, min_size=1, max_size=4))
def test_stored_versions_agree_with_the_full_reference_up_to_the_last_batch(
    batches: list[list[Event]],
) -> None:
    stored = stored_versions(batches)
    check_invariants(stored)
    # one batch forgets nothing that matters, and forgetting never changes the latest state
    assert stored_versions([[e for batch in batches for e in batch]]) == reference_versions(batches)
    assert state_as_of(stored, t(99)) == state_as_of(reference_versions(batches), t(99))
