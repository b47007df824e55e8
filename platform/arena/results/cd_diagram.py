"""A critical-difference diagram (Demšar, 2006) drawn as SVG, server-side, no JavaScript."""

# Django's escape, not xml.sax.saxutils.escape: it also escapes quotes, so a label stays inert
# wherever it lands (text today, an attribute tomorrow).
from django.utils.html import escape

SPAN = 360  # width of the rank axis
CHAR_WIDTH = 6.2  # average width of an 11px sans-serif character
LONGEST_LABEL = 42  # longer method labels are cut with an ellipsis (the full one is a tooltip)
AXIS_Y = 40
ROW = 18
GROUP_GAP = 6


def _shown(label: str) -> str:
    return label if len(label) <= LONGEST_LABEL else label[: LONGEST_LABEL - 1] + "…"


def cd_diagram_svg(
    *, labels: list[str], average_ranks: list[float], critical_difference: float, groups: list
) -> str:
    """Methods sit at their average rank (1 = best, left); thick bars just under the axis join
    methods that the Nemenyi test cannot tell apart; the CD interval is drawn above the axis.

    The margins grow with the longest label so no name is clipped.
    """
    count = len(labels)
    texts = [
        f"{_shown(label)} ({rank:.2f})" for label, rank in zip(labels, average_ranks, strict=True)
    ]
    margin = 20 + CHAR_WIDTH * max((len(text) for text in texts), default=10)
    width = SPAN + 2 * margin

    def x(rank: float) -> float:
        return margin + (rank - 1) / max(count - 1, 1) * SPAN

    first_row_y = AXIS_Y + 16 + GROUP_GAP * len(groups)
    height = first_row_y + ROW * ((count + 1) // 2) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height}" '
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
    for offset, group in enumerate(groups):
        y = AXIS_Y + 8 + offset * GROUP_GAP
        ranks_in_group = [average_ranks[index] for index in group]
        parts.append(
            f'<line x1="{x(min(ranks_in_group)) - 3}" y1="{y}" x2="{x(max(ranks_in_group)) + 3}" '
            f'y2="{y}" stroke-width="3"/>'
        )
    # The better half hangs to the left, the worse half to the right, best nearest the top.
    order = sorted(range(count), key=lambda index: average_ranks[index])
    half = (count + 1) // 2
    for position, index in enumerate(order):
        left = position < half
        y = first_row_y + ROW * (position if left else count - 1 - position)
        rank_x = x(average_ranks[index])
        label_x = margin - 10 if left else width - margin + 10
        anchor = "end" if left else "start"
        parts.append(
            f'<line x1="{rank_x}" y1="{AXIS_Y}" x2="{rank_x}" y2="{y}"/>'
            f'<line x1="{rank_x}" y1="{y}" x2="{label_x}" y2="{y}"/>'
            f'<text x="{label_x + (-4 if left else 4)}" y="{y + 4}" text-anchor="{anchor}">'
            f"<title>{escape(labels[index])}</title>{escape(texts[index])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
