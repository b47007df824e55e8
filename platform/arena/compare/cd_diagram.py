"""A critical-difference diagram (Demšar, 2006) drawn as SVG, server-side, no JavaScript."""

from xml.sax.saxutils import escape

WIDTH = 640
MARGIN = 150
AXIS_Y = 40
ROW = 18


def cd_diagram_svg(
    *, labels: list[str], average_ranks: list[float], critical_difference: float, groups: list
) -> str:
    """Methods sit at their average rank (1 = best, left); a bar joins methods that the
    Nemenyi test cannot tell apart; the CD interval is drawn above the axis."""
    count = len(labels)
    span = WIDTH - 2 * MARGIN

    def x(rank: float) -> float:
        return MARGIN + (rank - 1) / max(count - 1, 1) * span

    height = AXIS_Y + 30 + ROW * (count + len(groups)) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="Critical difference diagram">',
        "<style>text{font:11px sans-serif;fill:currentColor} line{stroke:currentColor}</style>",
        f'<line x1="{x(1)}" y1="{AXIS_Y}" x2="{x(count)}" y2="{AXIS_Y}" stroke-width="1"/>',
    ]
    for rank in range(1, count + 1):
        parts.append(
            f'<line x1="{x(rank)}" y1="{AXIS_Y - 4}" x2="{x(rank)}" y2="{AXIS_Y}"/>'
            f'<text x="{x(rank)}" y="{AXIS_Y - 8}" text-anchor="middle">{rank}</text>'
        )
    cd_end = min(1 + critical_difference, count)
    parts.append(
        f'<line x1="{x(1)}" y1="12" x2="{x(cd_end)}" y2="12" stroke-width="2"/>'
        f'<text x="{x(cd_end) + 4}" y="15">CD = {critical_difference:.2f}</text>'
    )
    order = sorted(range(count), key=lambda index: average_ranks[index])
    for position, index in enumerate(order):
        y = AXIS_Y + 24 + position * ROW
        rank_x = x(average_ranks[index])
        left = position < (count + 1) // 2
        label_x = MARGIN - 10 if left else WIDTH - MARGIN + 10
        anchor = "end" if left else "start"
        parts.append(
            f'<line x1="{rank_x}" y1="{AXIS_Y}" x2="{rank_x}" y2="{y}"/>'
            f'<line x1="{rank_x}" y1="{y}" x2="{label_x}" y2="{y}"/>'
            f'<text x="{label_x + (-4 if left else 4)}" y="{y + 4}" text-anchor="{anchor}">'
            f"{escape(labels[index])} ({average_ranks[index]:.2f})</text>"
        )
    for offset, group in enumerate(groups):
        y = AXIS_Y + 24 + count * ROW + offset * ROW / 2
        ranks_in_group = [average_ranks[index] for index in group]
        parts.append(
            f'<line x1="{x(min(ranks_in_group)) - 3}" y1="{y}" x2="{x(max(ranks_in_group)) + 3}" '
            f'y2="{y}" stroke-width="4"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
