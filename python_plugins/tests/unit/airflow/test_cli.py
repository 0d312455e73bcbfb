"""`pipeline-kit airflow generate` through the CLI entry point: outputs and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline_kit.cli import main

from ..graph.manifest_factory import ManifestBuilder


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    m = ManifestBuilder()
    m.node("raw", resource_type="seed", folder="seeds")
    m.node("stg", "raw", folder="models/staging")
    m.selectors["just_stg"] = {"name": "just_stg", "definition": "stg"}
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(m.build()), encoding="utf-8")
    return path


def test_generate_writes_identical_files_on_rerun(
    manifest: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "airflow.yml"
    config.write_text("dag_id: shop\nschedule: '@hourly'\ngranularity: group\ntags: [dbt, shop]\n", "utf-8")
    args = ["airflow", "generate", "--manifest", str(manifest), "--config", str(config)]
    assert main([*args, "--out", str(tmp_path / "one")]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "one" / "shop.py")
    assert main([*args, "--out", str(tmp_path / "two"), "--selector", "just_stg"]) == 0
    assert main([*args, "--out", str(tmp_path / "three")]) == 0
    first = (tmp_path / "one" / "shop.py").read_bytes()
    assert first == (tmp_path / "three" / "shop.py").read_bytes()
    assert b"schedule='@hourly'" in first and b'["models.staging", ' in first
    assert b'"seeds"' not in (tmp_path / "two" / "shop.py").read_bytes()


@pytest.mark.parametrize(
    ("extra", "config_text", "message"),
    [
        (["--select", "tag:nope"], None, "--select 'tag:nope': selector 'tag:nope' matches no node"),
        (["--selector", "weekly"], None, "unknown selector 'weekly'"),
        ([], "dag_id: x\nschedul: '@daily'\n", "airflow.yml: unknown key 'schedul'"),
        (
            [],
            "granularity: folder\n",
            "airflow.yml: granularity: expected one of node, group, all, got 'folder'",
        ),
        ([], "default_args: {retries: 1, colour: red}\n", "default_args: unknown key 'colour'"),
        ([], "start_date: tomorrow\n", "start_date: expected a date like 2024-01-31, got 'tomorrow'"),
        ([], "- a list\n", "config must be a mapping"),
        ([], "dbt_invocation: docker\n", "expected one of subprocess, in_process, got 'docker'"),
        ([], "max_active_tasks: 0\n", "max_active_tasks: expected a positive integer, got 0"),
        ([], "source_tests: 'no'\n", "airflow.yml: source_tests: expected true or false, got 'no'"),
    ],
)
def test_bad_inputs_exit_2_with_one_clear_line(
    *,
    manifest: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    config_text: str | None,
    message: str,
) -> None:
    args = ["airflow", "generate", "--manifest", str(manifest), "--out", str(tmp_path / "dags"), *extra]
    if config_text is not None:
        config = tmp_path / "airflow.yml"
        config.write_text(config_text, encoding="utf-8")
        args += ["--config", str(config)]
    assert main(args) == 2
    error = capsys.readouterr().err
    assert message in error
    assert error.count("\n") == 1
    assert not (tmp_path / "dags").exists()


def test_missing_manifest_and_cycle_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.json"
    assert main(["airflow", "generate", "--manifest", str(missing), "--out", str(tmp_path)]) == 2
    assert f"{missing}: manifest not found" in capsys.readouterr().err
    m = ManifestBuilder()
    m.node("a", "model.shop.b")
    m.node("b", "a")
    cyclic = tmp_path / "cyclic.json"
    cyclic.write_text(json.dumps(m.build()), encoding="utf-8")
    assert main(["airflow", "generate", "--manifest", str(cyclic), "--out", str(tmp_path)]) == 2
    assert (
        "cycle between manifest nodes: model.shop.a -> model.shop.b -> model.shop.a"
        in capsys.readouterr().err
    )


def test_source_tests_run_before_their_readers_unless_turned_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    m = ManifestBuilder()
    m.source("app", "orders", freshness=False)
    m.node("stg_orders", "source.shop.app.orders")
    m.test("source_not_null_orders_id", "source.shop.app.orders")
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(m.build()), encoding="utf-8")
    args = ["airflow", "generate", "--manifest", str(path)]
    assert main([*args, "--out", str(tmp_path / "on")]) == 0
    assert main([*args, "--out", str(tmp_path / "off"), "--no-source-tests"]) == 0
    config = tmp_path / "airflow.yml"
    config.write_text("source_tests: false\n", encoding="utf-8")
    assert main([*args, "--out", str(tmp_path / "file_off"), "--config", str(config)]) == 0
    capsys.readouterr()
    on = (tmp_path / "on" / "dbt.py").read_text("utf-8")
    assert '"source_test.app.orders"' in on and "fqn:shop.source_not_null_orders_id" in on
    for off in ("off", "file_off"):
        assert "source_not_null_orders_id" not in (tmp_path / off / "dbt.py").read_text("utf-8")
