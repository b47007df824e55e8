"""`manage.py rebuild_datasheets`: a task imported before a release that shows more of its data
(a matching task's sample pairs) gets the new parts from its stored tables, without a new
version or a re-score."""

import io

import pytest
from django.core.management import call_command

from arena.competitions.models import Task

pytestmark = pytest.mark.django_db


def test_an_old_matching_task_gets_its_sample_pairs_back(offers, products):
    task, _ = offers
    complete = dict(task.datasheet)
    assert complete.get("pairs", {}).get("pairs")  # what an import makes today
    old = {key: value for key, value in complete.items() if key != "pairs"}
    Task.objects.filter(pk=task.pk).update(datasheet=old)  # as an older release left it
    out = io.StringIO()
    call_command("rebuild_datasheets", "--competition", task.competition.slug, stdout=out)
    task.refresh_from_db()
    assert task.datasheet == complete
    assert task.version == 1
    assert f"{task}: datasheet rebuilt" in out.getvalue()
    classification, _ = products
    assert f"{classification}: datasheet rebuilt" in out.getvalue()
