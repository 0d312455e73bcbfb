"""A compact Markdown summary of an analysis report, sized for a pull-request comment."""

from __future__ import annotations

from typing import Any


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _change(pct: float | None) -> str:
    # null: the baseline median was 0 s, so no percentage exists
    return "from 0 s" if pct is None else f"+{pct:.0f}%"


def _actual(value: float | None) -> object:
    return "n/a" if value is None else value


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return [*lines, ""]


def render_markdown(report: dict[str, Any], top: int = 10) -> str:
    run, summary, cost, critical = report["run"], report["summary"], report["cost"], report["critical_path"]
    nodes = {node["unique_id"]: node for node in report["nodes"]}
    currency = cost["currency"]
    lines = [
        f"## dbt run analysis: {run['project']}",
        "",
        f"**Wall time** {run['wall_s']:.2f} s with {run['threads']} threads "
        f"(utilization {summary['utilization']:.0%}, peak parallelism {summary['peak_parallelism']}) · "
        f"**critical path** {critical['length_s']:.2f} s ({critical['share_of_wall']:.0%} of wall) · "
        f"**cost** ({cost['basis']}) {cost['per_run']:.4f} {currency}/run, "
        f"{cost['per_month']:.2f} {currency}/month",
        "",
    ]
    # first, so a reader weighs what follows: e.g. a run under --empty, not recorded in history
    lines += [f"> **warning:** {_cell(warning)}" for warning in report["warnings"]]
    lines += [""] if report["warnings"] else []
    gates = report["gates"]
    if gates:
        failed = [g for g in gates if not g["passed"]]
        lines += [f"**Gates:** {'❌ ' + str(len(failed)) + ' failed' if failed else '✅ all passed'}", ""]
        lines += _table(
            ["rule", "threshold", "actual", "result"],
            [
                [g["rule"], g["threshold"], _actual(g["actual"]), "pass" if g["passed"] else "**FAIL**"]
                for g in gates
            ],
        )
    history = report["history"]
    if history and history["regressions"]:
        lines += ["### Regressions", ""]
        lines += _table(
            ["node", "baseline s", "now s", "change"],
            [
                [
                    r["unique_id"],
                    f"{r['baseline_s']:.2f}",
                    f"{r['current_s']:.2f}",
                    _change(r["change_pct"]),
                ]
                for r in history["regressions"][:top]
            ],
        )
    lines += [f"### Slowest {top} nodes", ""]
    lines += _table(
        ["node", "type", "status", "seconds", "cost", "critical path"],
        [
            [
                n["name"],
                n["resource_type"],
                n["status"],
                f"{n['execution_s']:.2f}",
                "-" if n["cost"] is None else f"{n['cost']:.4f}",
                "yes" if n["on_critical_path"] else "",
            ]
            for n in (nodes[uid] for uid in report["slowest"][:top])
        ],
    )
    lines += [
        "### Critical path",
        "",
        " → ".join(nodes[u]["name"] if u in nodes else u for u in critical["nodes"]),
        "",
    ]
    for label in ("failed", "skipped", "flaky"):
        if report[label]:
            lines += [
                f"**{label.capitalize()}** ({len(report[label])}): "
                + ", ".join(f"`{u}`" for u in report[label][:top]),
                "",
            ]
    if report["recommendations"]:
        lines += ["### Recommendations", ""]
        lines += [f"- **{r['title']}**: {r['evidence']}" for r in report["recommendations"]] + [""]
    if report["what_if"]:
        lines += ["### What if", ""]
        lines += [
            f"- `{w['unique_id']}` {w['faster_pct']:g}% faster → wall {w['predicted_wall_s']:.2f} s "
            f"(-{w['saved_s']:.2f} s)"
            for w in report["what_if"]
        ] + [""]
    lines.append(f"<sub>{report['generated_by']} · cost method: {cost['method']}</sub>")
    return "\n".join(lines) + "\n"
