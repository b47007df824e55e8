"""Issue 14, item 6: a task.yaml with nested aliases (a "billion laughs") is refused before any
alias is expanded, as a listed problem of the bundle."""

import pytest

from scoring.bundle import BundleError, load_bundle, read_public_task


def laughs(levels: int = 6, width: int = 9) -> str:
    lines = ['a0: &a0 "lol"']
    for level in range(1, levels + 1):
        items = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{items}]")
    return "\n".join(lines) + "\nslug: laughs\ntitle: *a" + str(levels) + "\n"


@pytest.mark.parametrize("reader", [load_bundle, read_public_task])
def test_anchors_and_aliases_are_refused_by_name(tmp_path, reader):
    (tmp_path / "task.yaml").write_text(laughs())
    with pytest.raises(BundleError) as refused:
        reader(path=tmp_path)
    messages = [str(problem) for problem in refused.value.problems]
    assert any("anchors or aliases" in message for message in messages), messages


def test_a_single_harmless_anchor_is_refused_too(tmp_path):
    (tmp_path / "task.yaml").write_text("slug: &s shop\ntitle: *s\n")
    with pytest.raises(BundleError, match="anchors or aliases"):
        load_bundle(path=tmp_path)


def test_a_manifest_over_a_megabyte_is_refused_before_parsing(tmp_path):
    (tmp_path / "task.yaml").write_text("description: " + "x" * (1024 * 1024 + 10) + "\n")
    with pytest.raises(BundleError, match="larger than 1 MB"):
        load_bundle(path=tmp_path)
