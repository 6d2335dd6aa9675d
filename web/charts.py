"""Small inline SVG bar charts, drawn on the server so the page needs no chart library.

Colours and fonts come from CSS classes (``chart``, ``bar``, ``label``, ``count``); the SVG
carries no style attributes, so the page's CSP can forbid inline styles.
"""

from __future__ import annotations

from markupsafe import Markup, escape

ROW_HEIGHT = 18
LABEL_WIDTH = 96
BAR_WIDTH = 180
COUNT_WIDTH = 48
COLUMN_WIDTH = 32
COLUMN_HEIGHT = 80
MAX_ROWS = 20


def _frame(width: int, height: int, title: str, body: list[str], kind: str) -> Markup:
    label = escape(title)
    return Markup(
        f'<svg class="chart chart-{kind}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{label}">'
        f"<title>{label}</title>{''.join(body)}</svg>"
    )


def bar_chart(data: list[dict], title: str, max_rows: int = MAX_ROWS) -> Markup:
    """Return horizontal bars, one row per {"value", "count"} in the given order, as an SVG element."""
    rows = [d for d in data if d.get("count")][:max_rows]
    if not rows:
        return Markup("")
    most = max(d["count"] for d in rows)
    width = LABEL_WIDTH + BAR_WIDTH + COUNT_WIDTH
    body = []
    for i, row in enumerate(rows):
        y = i * ROW_HEIGHT
        length = max(1, round(BAR_WIDTH * row["count"] / most))
        value = escape(row["value"])
        body.append(
            f'<g class="row"><title>{value}：{row["count"]}</title>'
            f'<text class="label" x="{LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end">{value}</text>'
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y + 3}" width="{length}" height="{ROW_HEIGHT - 6}"/>'
            f'<text class="count" x="{LABEL_WIDTH + length + 4}" y="{y + 13}">{row["count"]}</text></g>'
        )
    return _frame(width, ROW_HEIGHT * len(rows), title, body, "bars")


def column_chart(data: list[dict], title: str) -> Markup:
    """Return vertical columns of counts by year ({"value": year, "count"}), oldest on the left, as SVG."""
    rows = sorted((d for d in data if d.get("count")), key=lambda d: d["value"])
    if not rows:
        return Markup("")
    most = max(d["count"] for d in rows)
    top, bottom = 14, 16
    width = max(COLUMN_WIDTH * len(rows), 120)
    body = []
    for i, row in enumerate(rows):
        x = i * COLUMN_WIDTH
        height = max(1, round(COLUMN_HEIGHT * row["count"] / most))
        y = top + COLUMN_HEIGHT - height
        middle = x + COLUMN_WIDTH / 2
        value = escape(row["value"])
        body.append(
            f'<g class="column"><title>{value} 年：{row["count"]}</title>'
            f'<rect class="bar" x="{x + 3}" y="{y}" width="{COLUMN_WIDTH - 6}" height="{height}"/>'
            f'<text class="count" x="{middle}" y="{y - 3}" text-anchor="middle">{row["count"]}</text>'
            f'<text class="label" x="{middle}" y="{top + COLUMN_HEIGHT + 12}" text-anchor="middle">'
            f"{value}</text></g>"
        )
    return _frame(width, top + COLUMN_HEIGHT + bottom, title, body, "columns")
