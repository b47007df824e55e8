"""Small server-side SVG charts (no JavaScript, no CDN): step lines of a best score over time."""

from datetime import datetime

# Django's escape, not xml.sax.saxutils.escape: names and titles land inside double-quoted
# attributes too, and only this one also escapes quotes (" and ').
from django.utils.html import escape

PALETTE = ("#2f6fde", "#1e7b34", "#b3261e", "#a06a00", "#6b4fbb", "#00838f", "#c2185b", "#5d4037")
WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 150, 12, 28


def best_over_time_svg(
    *, series: dict[str, list[tuple[datetime, float]]], now: datetime, title: str
) -> str:
    """One step line per name: the best score reached so far, from its first entry to ``now``."""
    points = [point for values in series.values() for point in values]
    if not points:
        return ""
    start = min(time for time, _ in points)
    span = max((now - start).total_seconds(), 1.0)
    low = min(value for _, value in points)
    high = max(value for _, value in points)
    if high - low < 1e-9:
        low, high = low - 0.05, high + 0.05
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(time: datetime) -> float:
        return LEFT + (time - start).total_seconds() / span * plot_width

    def y(value: float) -> float:
        return TOP + (high - value) / (high - low) * plot_height

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-label="{escape(title)}">',
        "<style>text{font:10px sans-serif;fill:currentColor}</style>",
        f'<line x1="{LEFT}" y1="{TOP + plot_height}" x2="{LEFT + plot_width}" '
        f'y2="{TOP + plot_height}" stroke="currentColor" stroke-opacity=".4"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 8}" text-anchor="end">{high:.3f}</text>',
        f'<text x="{LEFT - 4}" y="{TOP + plot_height}" text-anchor="end">{low:.3f}</text>',
        f'<text x="{LEFT}" y="{HEIGHT - 8}">{start:%d %b}</text>',
        f'<text x="{LEFT + plot_width}" y="{HEIGHT - 8}" text-anchor="end">{now:%d %b}</text>',
    ]
    for index, (name, values) in enumerate(series.items()):
        colour = PALETTE[index % len(PALETTE)]
        path, previous = [], None
        for time, value in values:
            if previous is None:
                path.append(f"M{x(time):.1f},{y(value):.1f}")
            else:
                path.append(f"H{x(time):.1f}V{y(value):.1f}")
            previous = value
        path.append(f"H{x(now):.1f}")
        label_y = y(previous)
        parts.append(
            f'<path d="{"".join(path)}" fill="none" stroke="{colour}" stroke-width="2"/>'
            f'<text x="{LEFT + plot_width + 6}" y="{label_y + 3:.1f}" fill="{colour}" '
            f'style="fill:{colour}">{escape(name[:22])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
