"""The critical-difference diagram: every label fits, is escaped, and sits on its side."""

import re
import xml.etree.ElementTree as ET

from arena.results.cd_diagram import CHAR_WIDTH, LONGEST_LABEL, cd_diagram_svg

SVG = "{http://www.w3.org/2000/svg}"


def draw(labels, ranks, groups=()):
    return cd_diagram_svg(
        labels=labels, average_ranks=ranks, critical_difference=1.5, groups=list(groups)
    )


def method_labels(svg: str) -> dict[str, ET.Element]:
    """The text element of each method, by its full label (kept in a <title>)."""
    root = ET.fromstring(svg)  # well-formed XML, so the browser draws it
    return {
        text.find(f"{SVG}title").text: text
        for text in root.iter(f"{SVG}text")
        if text.find(f"{SVG}title") is not None
    }


def test_labels_are_escaped_and_the_svg_parses():
    hostile = "<script>alert(1)</script> (Team)"
    svg = draw([hostile, "B", "C"], [1.2, 2.0, 2.8], [[0, 1]])
    assert "<script>" not in svg
    assert hostile in method_labels(svg)


def test_long_labels_fit_inside_the_view_box():
    long_name = "Gradient boosting with target encoding (Gradient Descenders)"
    labels = [long_name, "TF-IDF + logistic regression (fast)", "kNN", "Random forest"]
    svg = draw(labels, [1, 2, 3, 4])
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))
    for text in method_labels(svg).values():
        shown = text.find(f"{SVG}title").tail
        x, extent = float(text.get("x")), len(shown) * CHAR_WIDTH
        if text.get("text-anchor") == "end":
            assert x - extent >= 0, shown
        else:
            assert x + extent <= width, shown
    assert f"{long_name[: LONGEST_LABEL - 1]}…" in svg


def test_better_half_hangs_left_and_worse_half_right():
    svg = draw(["best", "second", "third", "worst"], [1.0, 2.0, 3.0, 4.0])
    anchors = {name: text.get("text-anchor") for name, text in method_labels(svg).items()}
    assert anchors == {"best": "end", "second": "end", "third": "start", "worst": "start"}
