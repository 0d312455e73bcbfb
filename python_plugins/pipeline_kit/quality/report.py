"""Scorecard renderings: plain text (terminal), Markdown and self-contained HTML (no CDN)."""

from __future__ import annotations

import html
import re

from pipeline_kit.quality.results import RuleResult
from pipeline_kit.quality.scorecard import Score, Scorecard


def _pct(score: Score) -> str:
    return "n/a" if score.score is None else f"{score.score * 100:.2f}%"


def not_run(rule: RuleResult) -> str:
    """`test errored` or `test skipped`, for a test that checked nothing."""
    return "test skipped" if rule.source == "skipped" else "test errored"


def _failing(rule: RuleResult) -> str:
    if rule.errored:
        return f"{not_run(rule)}: no rows evaluated"
    return f"{rule.failing_rows} of {rule.evaluated_rows} rows failing"


def _rows(card: Scorecard) -> list[tuple[str, str, Score]]:
    rows = [("overall", "all", card.overall)]
    rows += [("dimension", name, score) for name, score in card.by_dimension().items()]
    rows += [("model", name, score) for name, score in card.by_model().items()]
    return rows


def render_text(card: Scorecard) -> str:
    lines = [f"pipeline_kit quality scorecard ({card.mode})"]
    lines += [f"  note: {note}" for note in card.notes]
    header = (
        f"  {'scope':<10} {'name':<28} {'score':>8} {'passing':>9} {'evaluated':>10} {'failing rules':>14}"
    )
    lines += ["", header]
    for scope, name, score in _rows(card):
        lines.append(
            f"  {scope:<10} {name:<28} {_pct(score):>8} {score.passing_rows:>9} "
            f"{score.evaluated_rows:>10} {score.failing_rules:>6} of {score.rules:<5}"
        )
    failing = card.failing_rules()
    lines += ["", f"  failing rules: {len(failing)}"]
    for rule in failing:
        lines.append(f"    {rule.model}: {rule.dimension}: {rule.rule} ({_failing(rule)})")
    return "\n".join(lines) + "\n"


# Markdown (GitHub-flavoured) escaping of names and notes from the manifest, results and warehouse.
# `<`, `>`, `&` become entities: no raw HTML tag (or entity of ours) is left in the file for any
# renderer. `|` becomes `\|`, the one escape a GFM table's cell split honours (cmark-gfm and
# markdown-it alike, inside code spans too); backslashes are escaped first, so each `|` left bare is
# one of our separators. The other inline syntax (`\`, backtick, `*`, `_`, `[`, `]`, `~`) gets a
# backslash, readable in the file. No code spans: inside one no escape but `\|` works, so a
# backtick in a name would end it. A line break would end the table row: it becomes a space.
_MD_ESCAPES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "\n": " ", "\r": " "}
_MD_ESCAPES.update((char, "\\" + char) for char in "\\`*_[]~|")
_MD_TABLE = str.maketrans(_MD_ESCAPES)
# a line that starts like a heading, list item, setext underline or code block is not a paragraph
_MD_BLOCK_START = re.compile(r"[#+=-]|\d+[.)]")


def _md(text: str) -> str:
    """`text` as inline Markdown (a table cell) showing exactly its characters."""
    return text.translate(_MD_TABLE)


def _md_line(text: str) -> str:
    """`text` as a line of its own (a note): also no leading block syntax."""
    line = _md(" ".join(text.split()))
    start = _MD_BLOCK_START.match(line)
    return f"{line[: start.end() - 1]}\\{line[start.end() - 1 :]}" if start else line


def render_markdown(card: Scorecard) -> str:
    lines = ["# Data quality scorecard", "", f"Scores are passing / evaluated ({_md(card.mode)})."]
    lines += [f"> {_md_line(note)}" for note in card.notes]
    lines += [
        "",
        "| scope | name | score | passing | evaluated | failing rules |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for scope, name, score in _rows(card):
        lines.append(
            f"| {scope} | {_md(name)} | {_pct(score)} | {score.passing_rows} | {score.evaluated_rows} "
            f"| {score.failing_rules} of {score.rules} |"
        )
    lines += ["", "## Failing rules", ""]
    failing = card.failing_rules()
    if not failing:
        lines.append("None.")
    else:
        lines += ["| model | dimension | rule | failing | evaluated |", "|---|---|---|---:|---:|"]
        for rule in failing:
            failing_cell = not_run(rule) if rule.errored else str(rule.failing_rows)
            lines.append(
                f"| {_md(rule.model)} | {_md(rule.dimension)} | {_md(rule.rule)} | {failing_cell} "
                f"| {rule.evaluated_rows} |"
            )
    return "\n".join(lines) + "\n"


_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#1d232a}
table{border-collapse:collapse;margin:1rem 0}
th,td{border:1px solid #ccd;padding:.3rem .6rem;text-align:left}
td.n{text-align:right}
.bar{background:#e6e9ef;width:10rem;height:.8rem;display:inline-block}
.fill{background:#2e8b57;height:100%}
.low .fill{background:#c0392b}
"""


def render_html(card: Scorecard, threshold: float | None = None) -> str:
    def bar(score: Score) -> str:
        value = 0.0 if score.score is None else score.score
        low = " low" if threshold is not None and score.score is not None and value < threshold else ""
        fill = f'<span class="fill" style="width:{value * 100:.1f}%;display:block"></span>'
        return f'<span class="bar{low}">{fill}</span>'

    body = [
        f"<h1>Data quality scorecard</h1><p>Scores are passing / evaluated ({html.escape(card.mode)}).</p>"
    ]
    body += [f"<p><em>{html.escape(note)}</em></p>" for note in card.notes]
    body.append(
        "<table><tr><th>scope</th><th>name</th><th>score</th><th></th><th>passing</th>"
        "<th>evaluated</th><th>failing rules</th></tr>"
    )
    for scope, name, score in _rows(card):
        body.append(
            f"<tr><td>{scope}</td><td>{html.escape(name)}</td>"
            f"<td class=n>{_pct(score)}</td><td>{bar(score)}</td>"
            f"<td class=n>{score.passing_rows}</td><td class=n>{score.evaluated_rows}</td>"
            f"<td class=n>{score.failing_rules} of {score.rules}</td></tr>"
        )
    body.append("</table><h2>Failing rules</h2>")
    failing = card.failing_rules()
    if not failing:
        body.append("<p>None.</p>")
    else:
        body.append(
            "<table><tr><th>model</th><th>dimension</th><th>rule</th><th>failing</th><th>evaluated</th></tr>"
        )
        for rule in failing:
            body.append(
                f"<tr><td>{html.escape(rule.model)}</td><td>{html.escape(rule.dimension)}</td>"
                f"<td><code>{html.escape(rule.rule)}</code></td>"
                f"<td class=n>{not_run(rule) if rule.errored else rule.failing_rows}</td>"
                f"<td class=n>{rule.evaluated_rows}</td></tr>"
            )
        body.append("</table>")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Data quality scorecard</title>'
        f"<style>{_STYLE}</style></head><body>{''.join(body)}</body></html>\n"
    )
