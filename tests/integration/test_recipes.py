"""The built-in tasks: every recipe builds a bundle that passes the standard and imports."""

import pytest

from arena.competitions.recipes import RECIPES
from arena.workflows.task_data import task_import
from scoring.bundle import load_bundle

EXPECTED = {
    "vehicle-class": ("classification", None),
    "bird-strike-phase": ("classification", None),
    "emoji-group": ("classification", "picture"),
    "febrl-people": ("matching", None),
    "books": ("matching", None),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("builtin")
    return {
        slug: recipe.build(root=root, cache=root / ".cache") for slug, recipe in RECIPES.items()
    }


def test_there_are_three_classification_tasks_one_with_images_and_two_matching():
    kinds = [kind for kind, _ in EXPECTED.values()]
    assert kinds.count("classification") >= 3 and kinds.count("matching") >= 2
    assert set(RECIPES) == set(EXPECTED)


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_recipe_bundle_follows_the_standard(built, slug):
    bundle = load_bundle(path=built[slug])
    kind, image_column = EXPECTED[slug]
    assert bundle.manifest.kind == kind
    assert bundle.manifest.source and bundle.manifest.licence
    if image_column:
        assert bundle.manifest.columns[image_column] == "image"
        assert len(bundle.image_paths) > 1000
    if kind == "classification":
        assert len(bundle.classes) >= 5
    else:
        labels = bundle.tables["train_pairs"]["label"]
        assert 0.1 < labels.mean() < 0.6  # real matches and hard negatives


def test_books_labels_come_from_isbn_which_is_then_hidden(built):
    bundle = load_bundle(path=built["books"])
    matches = bundle.tables["train_pairs"]["label"].sum() + bundle.answers["label"].sum()
    assert 900 <= matches <= 960
    assert not any("isbn" in column.lower() for column in bundle.tables["left"].columns)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["emoji-group", "febrl-people"])
def test_recipe_bundle_imports(built, slug):
    task = task_import(bundle_dir=built[slug], competition_slug="builtin").task
    assert task.slug == slug
    assert task.datasheet["tables"]
    assert task.has_images == (slug == "emoji-group")


@pytest.mark.django_db
@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_organizer_imports_each_builtin_bundle_as_a_zip(built, slug, client, make_user):
    import io
    import zipfile

    from django.urls import reverse

    from arena.competitions.importing import competition_get_or_create

    competition = competition_get_or_create(slug="browser-cup")
    organizer = make_user("olga")
    competition.organizers.add(organizer)
    client.force_login(organizer)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(built[slug].rglob("*")):
            if path.is_file() and ".cache" not in path.parts:
                archive.write(path, f"{slug}/{path.relative_to(built[slug])}")
    buffer.seek(0)
    buffer.name = f"{slug}.zip"
    response = client.post(
        reverse("competitions:task_import", args=[competition.slug]),
        {"bundle": buffer},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 200, response.content[:2000]
    assert competition.tasks.filter(slug=slug).exists()
