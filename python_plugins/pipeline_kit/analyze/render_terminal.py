"""Rich terminal tables for an analysis report document."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _change(pct: float | None) -> str:
    # null: the baseline median was 0 s, so no percentage exists
    return "from 0 s" if pct is None else f"+{pct:.0f}%"


def _money(value: float | None, currency: str) -> str:
    return "-" if value is None else f"{value:.4f} {currency}"


def render_terminal(report: dict[str, Any], console: Console, top: int = 10) -> None:
    run, summary, cost = report["run"], report["summary"], report["cost"]
    nodes = {node["unique_id"]: node for node in report["nodes"]}
    console.print(
        f"[bold]{run['project']}[/bold]  dbt {run['dbt_version']} {run['command']} on {run['adapter']}  "
        f"wall {run['wall_s']:.2f} s  threads {run['threads']}  nodes {summary['nodes']} "
        f"{summary['by_status']}"
    )
    critical = report["critical_path"]
    console.print(
        f"Critical path {critical['length_s']:.2f} s = {critical['share_of_wall']:.0%} of wall time; "
        f"utilization {summary['utilization']:.0%}, parallelism avg {summary['average_parallelism']:.1f} "
        f"peak {summary['peak_parallelism']}; compile {summary['compile_s']:.2f} s, execute "
        f"{summary['execute_s']:.2f} s; "
        + ", ".join(
            f"{kind} {_seconds(seconds)} s" for kind, seconds in summary["time_by_resource_type"].items()
        )
    )
    console.print(
        f"Cost ({cost['basis']}): {_money(cost['per_run'], cost['currency'])} per run, "
        f"{_money(cost['per_month'], cost['currency'])} per month at {cost['runs_per_day']:g} runs/day "
        f"[dim]({cost['method']})[/dim]"
    )

    slowest = Table(title=f"Slowest {top} nodes", title_justify="left")
    for column in (
        "node",
        "type",
        "materialized",
        "status",
        "thread",
        "seconds",
        "cost",
        "critical",
        "p50/p95",
    ):
        slowest.add_column(column, justify="right" if column in ("seconds", "cost") else "left")
    for unique_id in report["slowest"][:top]:
        node = nodes[unique_id]
        trend = (
            f"{node['p50_s']:.2f}/{node['p95_s']:.2f}"
            if node["p50_s"] is not None and node["p95_s"] is not None
            else "-"
        )
        slowest.add_row(
            node["name"],
            node["resource_type"],
            node["materialized"] or "-",
            node["status"],
            node["thread_id"].split(" (", 1)[0] or "-",
            _seconds(node["execution_s"]),
            _money(node["cost"], cost["currency"]) if node["cost"] is not None else "-",
            "yes" if node["on_critical_path"] else "",
            trend,
        )
    console.print(slowest)

    path = Table(title="Critical path", title_justify="left")
    path.add_column("#", justify="right")
    path.add_column("node")
    path.add_column("seconds", justify="right")
    shown = critical["nodes"] if len(critical["nodes"]) <= 3 * top else critical["nodes"][: 3 * top]
    for index, unique_id in enumerate(shown, start=1):
        path.add_row(str(index), unique_id, _seconds(nodes.get(unique_id, {}).get("execution_s")))
    if len(shown) < len(critical["nodes"]):
        path.add_row("", f"... {len(critical['nodes']) - len(shown)} more (see analysis.json)", "")
    console.print(path)

    threads = Table(title="Threads", title_justify="left")
    for column in ("thread", "nodes", "busy s", "idle s", "utilization"):
        threads.add_column(column, justify="left" if column == "thread" else "right")
    for thread in report["threads"]:
        threads.add_row(
            thread["thread_id"],
            str(thread["node_count"]),
            _seconds(thread["busy_s"]),
            _seconds(thread["idle_s"]),
            f"{thread['utilization']:.0%}",
        )
    console.print(threads)

    if report["idle"]["by_blocker"]:
        idle = Table(title="Idle time by blocker", title_justify="left")
        idle.add_column("blocking node")
        idle.add_column("idle s", justify="right")
        idle.add_column("gaps", justify="right")
        for row in report["idle"]["by_blocker"]:
            idle.add_row(row["unique_id"], _seconds(row["idle_s"]), str(row["gaps"]))
        console.print(idle)

    if report["what_if"]:
        what_if = Table(title="What if", title_justify="left")
        for column in ("node", "faster", "predicted wall s", "saved s"):
            what_if.add_column(column, justify="left" if column == "node" else "right")
        for row in report["what_if"]:
            what_if.add_row(
                row["unique_id"],
                f"{row['faster_pct']:g}%",
                _seconds(row["predicted_wall_s"]),
                _seconds(row["saved_s"]),
            )
        console.print(what_if)

    for label in ("failed", "skipped", "flaky"):
        if report[label]:
            console.print(
                f"[bold red]{label.capitalize()}[/bold red] ({len(report[label])}): "
                + ", ".join(report[label][:top])
            )

    if report["recommendations"]:
        advice = Table(title="Recommendations", title_justify="left")
        advice.add_column("recommendation")
        advice.add_column("evidence")
        for row in report["recommendations"]:
            advice.add_row(row["title"], row["evidence"])
        console.print(advice)

    _render_history_and_gates(report, console, top)


def _render_history_and_gates(report: dict[str, Any], console: Console, top: int) -> None:
    history = report["history"]
    if history is not None:
        console.print(
            f"History: {history['runs']} runs in {history['path']} (trends over the last {history['window']})"
        )
        if history["regressions"]:
            regressions = Table(title="Regressions against the baseline median", title_justify="left")
            for column in ("node", "baseline s", "now s", "change"):
                regressions.add_column(column, justify="left" if column == "node" else "right")
            for row in history["regressions"][:top]:
                regressions.add_row(
                    row["unique_id"],
                    _seconds(row["baseline_s"]),
                    _seconds(row["current_s"]),
                    _change(row["change_pct"]),
                )
            console.print(regressions)
    for gate in report["gates"]:
        colour = "green" if gate["passed"] else "red"
        console.print(
            f"[{colour}]gate {gate['rule']}: {'pass' if gate['passed'] else 'FAIL'}[/{colour}] "
            f"{gate['detail']}"
        )
    for warning in report["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {warning}")
