"""A dependency cycle (dbt never writes one; a hand-edited manifest can) is an input error, not a hang.

Before, a cycle through nodes that did not run grew `executed_ancestors`' stack forever, and one
among nodes that ran made `longest_path` walk its chain forever: both until memory ran out.
The timeouts turn such a hang into a failure.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline_kit.analyze import analyze_run, load_run
from pipeline_kit.analyze.recommend import recommend
from pipeline_kit.cli import main
from pipeline_kit.errors import InputFileError

from .artifact_builder import Node, write_artifacts

P = "model.shop."


@pytest.mark.timeout(3)
def test_a_node_depending_on_itself(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = write_artifacts(tmp_path / "target", [Node("a", 0.0, 1.0, depends_on=("a",))])
    code = main(["analyze", str(target), "--no-history", "--format", "none"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err == (
        f"pipeline-kit: error: {target / 'manifest.json'}: dependency cycle {P}a -> {P}a "
        "(dbt never writes one: was the manifest edited by hand?)\n"
    )


@pytest.mark.timeout(3)
def test_a_loop_through_three_nodes_that_did_not_run(tmp_path: Path) -> None:
    # c ran and depends on x; x feeds y, y feeds z, z feeds x, and none of them ran.
    loop = [
        Node("x", None, None, depends_on=("z",), materialized="ephemeral"),
        Node("y", None, None, depends_on=("x",), materialized="ephemeral"),
        Node("z", None, None, depends_on=("y",), materialized="ephemeral"),
    ]
    target = write_artifacts(tmp_path, [Node("c", 0.0, 1.0, depends_on=("x",))], extra_manifest_nodes=loop)
    with pytest.raises(InputFileError) as error:
        analyze_run(load_run(target))
    assert str(error.value) == (
        f"{target / 'manifest.json'}: dependency cycle {P}x -> {P}y -> {P}z -> {P}x "
        "(dbt never writes one: was the manifest edited by hand?)"
    )


@pytest.mark.timeout(3)
def test_a_loop_among_nodes_that_ran(tmp_path: Path) -> None:
    nodes = [
        Node("a", 0.0, 1.0, depends_on=("c",)),
        Node("b", 1.0, 2.0, depends_on=("a",)),
        Node("c", 2.0, 3.0, depends_on=("b",)),
    ]
    with pytest.raises(InputFileError, match=r"dependency cycle model\.shop\.\w -> .* -> model\.shop\.\w \("):
        analyze_run(load_run(write_artifacts(tmp_path, nodes)))


@pytest.mark.timeout(3)
def test_a_cycle_no_executed_node_reaches_is_harmless(tmp_path: Path) -> None:
    # Views that did not run, two of them in a loop: nothing walks through them (the view-chain
    # advice walked v3 -> v2 -> v1 -> v2 ... forever: it looked at every view of the manifest).
    loop = [
        Node("v1", None, None, depends_on=("v2",), materialized="view"),
        Node("v2", None, None, depends_on=("v1",), materialized="view"),
        Node("v3", None, None, depends_on=("v2",), materialized="view"),
    ]
    target = write_artifacts(tmp_path, [Node("a", 0.0, 1.0)], extra_manifest_nodes=loop)
    analysis = analyze_run(load_run(target))
    assert analysis.critical_path.nodes == (P + "a",)
    assert "long_view_chain" not in [r.kind for r in recommend(analysis)]
