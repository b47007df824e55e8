"""The worker writes results, pages read them (issue 15): after a real worker process scores an
upload, its follow-up job stores the competition's comparison, and a reviewer's compare page
turns from "being computed" to the stored figures by itself."""

import pytest

from arena.results.models import StoredResult
from arena.results.stored import inputs_fingerprint
from arena.submissions.services import submission_create
from tests.e2e.helpers import wait_for
from tests.integration.helpers import csv_upload
from tests.participants import team_create

pytestmark = pytest.mark.e2e


def test_a_score_brings_the_stored_comparison_up_to_date(
    client, celery_worker_process, products, competition, alice, make_user
):
    task, data = products
    team_create(competition=competition, user=alice, name="Alpha")
    reviewer = make_user("rita")
    competition.reviewers.add(reviewer)
    client.force_login(reviewer)
    url = f"/c/{competition.slug}/compare/"
    assert 'data-comparison-state="computing"' in client.get(url).content.decode()

    submission = submission_create(
        task=task, user=alice, uploaded_file=csv_upload(data.answers), method_name="Oracle"
    )

    def stored_and_current():
        stored = StoredResult.objects.filter(
            competition=competition, key="comparison", split="public"
        ).first()
        submission.refresh_from_db()
        if submission.status != "scored" or stored is None:
            return None
        return stored.fingerprint == inputs_fingerprint(competition=competition) or None

    wait_for(stored_and_current, what="the worker's stored comparison after the score")
    page = client.get(url).content.decode()
    assert 'data-comparison-state="current"' in page
    assert "Oracle" in page and "1.0000" in page
    assert '<meta http-equiv="refresh"' not in page
