"""Which test rows score privately stays unknowable: the split's seed is secret and random unless
the organizer fixes it, survives re-imports, and no published table may carry a usage column.
Private scores are never revealed while uploads are open."""

import io
from datetime import timedelta

import pandas as pd
import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from arena.competitions.models import Competition, Task
from arena.competitions.services import competition_create
from arena.competitions.synthetic import write_classification_bundle
from arena.core.errors import UserFacingError
from scoring import assign_usage
from tests.integration.helpers import answers_with_usage, stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundle(tmp_path):
    return write_classification_bundle(root=tmp_path / "cls", rows=200, seed=5)


def import_bundle(path, competition: str, *extra) -> Task:
    call_command(
        "import_task", str(path), "--competition", competition, *extra, stdout=io.StringIO()
    )
    return Task.objects.get(competition__slug=competition, slug="synthetic-products")


def refusal(path) -> str:
    """What the import command says when it refuses a bundle."""
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_task", str(path), "--competition", "cup", stderr=errors)
    return errors.getvalue()


def public_ids(task) -> set[str]:
    key = answers_with_usage(task)
    return set(key.loc[key["usage"] == "public", "id"])


def set_manifest(bundle, **changes):
    manifest = yaml.safe_load((bundle / "task.yaml").read_text())
    manifest.update(changes)
    (bundle / "task.yaml").write_text(yaml.safe_dump(manifest))


def test_the_split_cannot_be_computed_from_what_participants_get(bundle, client, alice):
    first = import_bundle(bundle, "cup-one")
    second = import_bundle(bundle, "cup-two")
    ids = sorted(answers_with_usage(first)["id"])
    assert public_ids(first) != public_ids(second)  # a fresh secret seed per task
    assert len(public_ids(first)) == round(len(ids) * 0.3)
    seed_zero_public = {
        i
        for i, usage in zip(ids, assign_usage(ids=ids, public_fraction=0.3, seed=0), strict=True)
        if usage == "public"
    }
    assert public_ids(first) != seed_zero_public  # not the library's default seed either
    # The seed appears nowhere a participant can look.
    client.force_login(alice)
    slug = first.competition.slug
    download = reverse("competitions:download", args=[slug, first.slug, "task", "yaml"])
    manifest = client.get(download).content.decode()
    assert "split_seed" not in manifest and "public_fraction" in manifest
    for tab in ("competitions:task", "competitions:task_data", "submissions:upload"):
        page = client.get(reverse(tab, args=[slug, first.slug])).content.decode()
        assert str(first.split_seed) not in page, tab
    manage = reverse("competitions:task_manage", args=[slug, first.slug])
    assert client.get(manage).status_code in (403, 404)


def test_an_organizer_fixed_seed_reproduces_and_survives_a_reimport(bundle, client, make_user):
    set_manifest(bundle, split_seed=77)
    task = import_bundle(bundle, "cup")
    key = answers_with_usage(task).sort_values("id")
    expected = assign_usage(ids=list(key["id"]), public_fraction=0.3, seed=77)
    assert list(key["usage"]) == expected
    organizer = make_user("olga")
    task.competition.organizers.add(organizer)
    client.force_login(organizer)
    manage = client.get(reverse("competitions:task_manage", args=["cup", task.slug]))
    assert "split_seed: 77" in manage.content.decode()

    manifest = yaml.safe_load((bundle / "task.yaml").read_text())
    manifest.pop("split_seed")  # a re-import without the key keeps the task's seed
    (bundle / "task.yaml").write_text(yaml.safe_dump(manifest))
    before = public_ids(task)
    task = import_bundle(bundle, "cup", "--update", "--yes")
    assert task.version == 2 and task.split_seed == 77
    assert public_ids(task) == before


def test_a_random_seed_also_survives_a_reimport(bundle):
    task = import_bundle(bundle, "cup")
    before, seed = public_ids(task), task.split_seed
    task = import_bundle(bundle, "cup", "--update", "--yes")
    assert task.split_seed == seed and public_ids(task) == before


def test_a_usage_column_in_a_published_table_is_refused(bundle, settings):
    test = pd.read_csv(bundle / "test.csv", dtype=str)
    test["usage"] = "public"
    test.to_csv(bundle / "test.csv", index=False)
    files = stored_files(settings.PRIVATE_FILES_ROOT)
    assert "test.csv, column 'usage': must not have a usage column" in refusal(bundle)
    assert not Task.objects.exists()
    assert stored_files(settings.PRIVATE_FILES_ROOT) == files


@pytest.mark.parametrize("seed", ["abc", -1, 1.5, True])
def test_a_bad_split_seed_is_refused(bundle, seed):
    set_manifest(bundle, split_seed=seed)
    assert "split_seed must be a whole number" in refusal(bundle)
    assert not Task.objects.exists()


def test_private_scores_are_never_revealed_before_the_end():
    now = timezone.now()
    start, end = now - timedelta(days=1), now + timedelta(days=7)
    with pytest.raises(UserFacingError, match="revealed at the end or later"):
        competition_create(slug="early", title="E", start_at=start, end_at=end, reveal_at=now)
    assert not Competition.objects.filter(slug="early").exists()

    # The admin validates the model, which names the rule.
    early = Competition(slug="early", title="E", start_at=start, end_at=end, reveal_at=now)
    with pytest.raises(ValidationError, match="never while uploads are open"):
        early.full_clean()
    assert early.reveal_time == end  # and even unsaved, the reveal waits for the end

    later = competition_create(slug="late", title="L", start_at=start, end_at=end)
    with pytest.raises(IntegrityError), transaction.atomic():
        Competition.objects.filter(pk=later.pk).update(reveal_at=now)


def test_a_task_from_before_secret_seeds_keeps_its_split_and_is_flagged(bundle, client, make_user):
    task = import_bundle(bundle, "cup")
    Task.objects.filter(pk=task.pk).update(split_seed=0)  # what migration 0008 records
    task = import_bundle(bundle, "cup", "--update", "--yes")
    ids = sorted(answers_with_usage(task)["id"])
    seed_zero = assign_usage(ids=ids, public_fraction=0.3, seed=0)
    assert public_ids(task) == {i for i, u in zip(ids, seed_zero, strict=True) if u == "public"}
    organizer = make_user("olga")
    task.competition.organizers.add(organizer)
    client.force_login(organizer)
    page = client.get(reverse("competitions:task_manage", args=["cup", task.slug]))
    assert 'id="public-seed"' in page.content.decode()


def test_a_split_given_by_usage_has_no_seed(bundle, client, make_user):
    answers = pd.read_csv(bundle / "answers.csv", dtype=str)
    answers["usage"] = ["public" if i % 3 == 0 else "private" for i in range(len(answers))]
    answers.to_csv(bundle / "answers.csv", index=False)
    task = import_bundle(bundle, "cup")
    assert task.split_seed is None
    organizer = make_user("olga")
    task.competition.organizers.add(organizer)
    client.force_login(organizer)
    page = client.get(reverse("competitions:task_manage", args=["cup", task.slug]))
    assert "gave the split row by row" in page.content.decode()
