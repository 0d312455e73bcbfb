"""quality.md with hostile names: a pipe, backtick, HTML, Markdown syntax or a newline in a model,
rule or note must neither shift table columns nor reach the reader as HTML or formatting.

Before, only the rule cell escaped `|` (inside a code span a backtick could end); model names
went in as they were: `| model | raw.we|ird<b>src</b> | ...` split into one cell too many and
rendered `<b>`; the rule `a` <img src=x onerror=alert(1)> `b` rendered an <img> tag.
"""

from __future__ import annotations

import html
import re

import pytest

from pipeline_kit.quality import RuleResult, Scorecard
from pipeline_kit.quality.report import render_markdown

MODELS = [
    "raw.we|ird<b>src</b>",
    "x\\|y [l](javascript:alert(1)) *b* _i_ ~~s~~ &amp; 🚀 ünï",
]
RULES = ["a` <img src=x onerror=alert(1)> `b", "two\nlines | `x`"]
NOTES = ["# not a heading <img src=x>", "1. not a list | pipe", "- nor <b>this</b>"]


def _card() -> Scorecard:
    results = [
        RuleResult(MODELS[0], "validity", RULES[0], 1, 4, True),
        RuleResult(MODELS[1], "completeness", RULES[1], 2, 4, True),
    ]
    return Scorecard(results, notes=list(NOTES))


def _unescaped_pipes(line: str) -> int:
    # what a GFM table (cmark-gfm, markdown-it) splits cells on: a `|` without a `\` before it
    return len(re.findall(r"(?<!\\)\|", line))


def test_hostile_names_keep_the_columns_and_carry_no_html() -> None:
    markdown = render_markdown(_card())
    rows = [line for line in markdown.splitlines() if line.startswith("|")]
    # scorecard: header, delimiter, overall, 2 dimensions, 2 models; failing rules: header,
    # delimiter, 2 rules; a newline left in a name would have cut a row in two
    assert len(rows) == 7 + 4, markdown
    assert [_unescaped_pipes(row) for row in rows] == [7] * 7 + [6] * 4, markdown
    for tag in ("<img", "<b>", "</b>"):
        assert tag not in markdown
    assert "raw.we\\|ird&lt;b&gt;src&lt;/b&gt;" in markdown  # still readable
    assert "🚀 ünï" in markdown and "two lines" in markdown
    assert "> \\# not a heading" in markdown and "> 1\\. not a list" in markdown


def test_rendered_cells_show_exactly_the_names() -> None:
    """Rendered by markdown-it (CommonMark + GFM tables, raw HTML allowed): every row has its
    columns, no tag from the data, and each cell's text is the name itself (newline: a space)."""
    markdown_it = pytest.importorskip("markdown_it")
    renderer = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    rendered = renderer.render(render_markdown(_card()))
    tables = re.findall(r"<table>.*?</table>", rendered, re.DOTALL)
    assert len(tables) == 2
    for table, columns in zip(tables, (6, 5), strict=True):
        for row in re.findall(r"<tr>.*?</tr>", table, re.DOTALL):
            assert len(re.findall(r"<t[hd][ >]", row)) == columns, row
    for tag in ("<img", "<b>", "<s>", "<del>", "<a ", "<em>", "<strong>", "<ol>", "<ul>"):
        assert tag not in rendered, tag
    assert rendered.count("<h1>") == 1  # the report's own title, not the note's `#`
    cells = {html.unescape(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", rendered)}
    assert set(MODELS) <= cells
    assert {RULES[0], RULES[1].replace("\n", " ")} <= cells
    assert "<blockquote>" in rendered and html.unescape(rendered).count("<img src=x>") == 1  # the note
