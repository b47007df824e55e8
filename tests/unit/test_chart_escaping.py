"""Text typed by organizers and teams (metric names, team and method names) goes into the SVG
charts verbatim as data: it round-trips through an XML parser and never adds an attribute or an
element, whatever quotes or brackets it holds."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from arena.core.charts import best_over_time_svg
from arena.results.cd_diagram import cd_diagram_svg

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = [
    '" onload="alert(1)',  # breaks out of a double-quoted attribute unless " is escaped
    "' onload='alert(1)",  # the same for a single-quoted one
    '"><script>alert(1)</script>',
    "a < b > c & d; &amp; &#34;",  # already-escaped text must come back as typed, not decoded
    "Best \"macro_f1\" <b>&</b> ' onload='x",
]
# Every attribute the charts write; anything else came from the data.
CHART_ATTRIBUTES = {
    "svg": {"viewBox", "width", "role", "aria-label"},
    "style": set(),
    "line": {"x1", "y1", "x2", "y2", "stroke", "stroke-opacity", "stroke-width"},
    "text": {"x", "y", "text-anchor", "fill", "style"},
    "path": {"d", "fill", "stroke", "stroke-width"},
    "title": set(),
}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on anything that is not well-formed


def assert_only_chart_markup(root: ET.Element) -> None:
    for element in root.iter():
        tag = element.tag.removeprefix(SVG)
        assert tag in CHART_ATTRIBUTES, f"unexpected element <{tag}>"
        extra = set(element.attrib) - CHART_ATTRIBUTES[tag]
        assert not extra, f"<{tag}> has attributes from the data: {extra}"


def best_over_time(*, title: str, names: list[str]) -> str:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    series = {
        name: [(now - timedelta(days=3), 0.5 + index / 10), (now - timedelta(days=1), 0.9)]
        for index, name in enumerate(names)
    }
    return best_over_time_svg(series=series, now=now, title=title)


@pytest.mark.parametrize("title", HOSTILE)
def test_a_chart_title_stays_inside_its_aria_label(title):
    root = parse(best_over_time(title=title, names=["Alpha"]))
    assert root.get("aria-label") == title
    assert set(root.attrib) == CHART_ATTRIBUTES["svg"]
    assert_only_chart_markup(root)


def test_series_names_are_text_of_their_label_and_nothing_else():
    names = [value[:22] for value in HOSTILE]  # the chart cuts names at 22 characters
    root = parse(best_over_time(title="Best public macro_f1 over time", names=names))
    labels = [text for text in root.iter(f"{SVG}text") if text.get("fill")]
    assert [text.text for text in labels] == names
    assert all(len(text) == 0 for text in labels)  # no child element smuggled in
    assert_only_chart_markup(root)


def test_a_cut_name_never_leaves_half_an_entity():
    name = "x" * 21 + '"&<>'  # the cut falls right after the first character to escape
    root = parse(best_over_time(title="t", names=[name]))
    assert [text.text for text in root.iter(f"{SVG}text") if text.get("fill")] == [name[:22]]


def test_critical_difference_labels_round_trip_as_text_and_tooltip():
    labels = [f"{value} (Team {index})" for index, value in enumerate(HOSTILE)]
    svg = cd_diagram_svg(
        labels=labels,
        average_ranks=[1.0 + index * 0.5 for index in range(len(labels))],
        critical_difference=1.2,
        groups=[[0, 1], [2, 3, 4]],
    )
    root = parse(svg)
    assert root.get("aria-label") == "Critical difference diagram"
    assert_only_chart_markup(root)
    tooltips = {}
    for text in root.iter(f"{SVG}text"):
        title = text.find(f"{SVG}title")
        if title is not None:
            tooltips[title.text] = title.tail
    assert set(tooltips) == set(labels)
    for label, shown in tooltips.items():
        assert shown.startswith(label[:20]), (label, shown)
