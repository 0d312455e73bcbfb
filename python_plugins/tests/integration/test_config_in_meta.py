"""pipeline_kit's settings may sit under a model's `meta`: dbt 1.10+ warns about custom keys at
the top of a config on adapters that validate configs (CustomKeyInConfigDeprecation on Snowflake)
and asks for them under `meta`. merge_cdc_hard and scd2_deletes_new_record keep theirs there; their
batch tests (test_merge_batches.py, test_scd_batches.py, on every adapter) show the settings are
read, and this test shows dbt raises no deprecation for them on Snowflake, where it does for the
models that keep the keys at the top level."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import project_for
from .dbt_harness import AdapterTarget

pytestmark = pytest.mark.integration

META_CONFIGURED = ["models/merge/merge_cdc_hard.sql", "models/scd/scd2_deletes_new_record.sql"]


def test_settings_under_meta_raise_no_custom_key_deprecation(
    adapter_targets: dict[str, AdapterTarget], tmp_root: Path
) -> None:
    project = project_for("snowflake", adapter_targets, tmp_root)
    result = project.run("parse", "--no-partial-parse", "--show-all-deprecations")
    assert result.ok, result.tail()
    output = " ".join(result.output.split())
    # the check can fail: the same keys at the top level are reported, file by file
    top_level = {
        "merge_order_by": "models/merge/merge_cdc_soft.sql",
        "hard_deletes": "models/scd/scd2_deletes_invalidate.sql",
    }
    for key, path in top_level.items():
        warning = f"Custom key `{key}` found in `config` in file `{path}`"
        assert warning in output, f"{warning!r} missing: {result.tail(200)}"
    for path in META_CONFIGURED:
        assert f"in file `{path}`" not in output, f"{path}: {result.tail(200)}"
