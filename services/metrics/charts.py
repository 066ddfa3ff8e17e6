"""Small horizontal bar charts as inline SVG: no JavaScript, no CDN, readable by screen readers.

Each chart is an `<svg role="img">` with a title, and the numbers are also printed as text on the
bars, so the figure needs neither colour nor sight to be read; the page shows a table beside it.
"""

from __future__ import annotations

from typing import Sequence, Tuple

from markupsafe import Markup, escape

ROW, LABEL_WIDTH, BAR_WIDTH = 22, 190, 260


def bar_chart(title: str, items: Sequence[Tuple[str, float]], unit: str = "") -> Markup:
    if not items:
        return Markup("")
    top = max(value for _, value in items) or 1
    height = ROW * len(items) + 4
    width = LABEL_WIDTH + BAR_WIDTH + 60
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for row, (label, value) in enumerate(items):
        y = row * ROW + 2
        length = max(1.0, BAR_WIDTH * value / top) if value else 0
        shown = f"{value:g}{unit}"
        text = str(label) if len(str(label)) <= 28 else str(label)[:27] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end" font-size="12" fill="#1a1a1a">'
            f"{escape(text)}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" height="{ROW - 7}" fill="#1d4f91"></rect>'
            f'<text x="{LABEL_WIDTH + length + 5:.1f}" y="{y + 15}" font-size="12" fill="#1a1a1a">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
