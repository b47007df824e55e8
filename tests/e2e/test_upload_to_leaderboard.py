"""The walking skeleton end to end: sign up over HTTP, create a team, download the data, upload
predictions, and find them scored by a real worker process on the leaderboard page."""

import io
import re

import pandas as pd
import pytest
import requests

from tests.e2e.helpers import csrf_post, wait_for

pytestmark = pytest.mark.e2e


def test_new_user_uploads_and_sees_the_score_on_the_leaderboard(
    live_server, celery_worker_process, products, competition
):
    task, data = products
    base = live_server.url
    web = requests.Session()

    response = csrf_post(
        web,
        f"{base}/accounts/signup/",
        {
            "username": "erin",
            "password1": "erin-long-passphrase",
            "password2": "erin-long-passphrase",
        },
    )
    assert "Welcome, erin" in response.text

    rules_url = f"{base}/c/{competition.slug}/rules/"
    shown = re.search(r'name="rules_hash" value="([0-9a-f]{64})"', web.get(rules_url).text)
    response = csrf_post(web, rules_url, {"accept": "on", "rules_hash": shown.group(1)})
    assert "You accepted these rules" in response.text

    response = csrf_post(
        web, f"{base}/c/{competition.slug}/team/", {"action": "create", "create-name": "Echo"}
    )
    assert "Team Echo created" in response.text

    test_table = web.get(f"{base}/c/{competition.slug}/tasks/{task.slug}/data/test.parquet")
    assert test_table.status_code == 200
    test_ids = pd.read_parquet(io.BytesIO(test_table.content))["id"]
    truth = data.answers.set_index("id")["label"]
    predictions = pd.DataFrame({"id": test_ids, "label": truth.loc[test_ids].to_numpy()})

    task_url = f"{base}/c/{competition.slug}/tasks/{task.slug}/"
    page = web.get(task_url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    upload = web.post(
        f"{task_url}submit/",
        data={"csrfmiddlewaretoken": token, "comment": "exact answers", "method_name": "Oracle"},
        files={"file": ("preds.csv", predictions.to_csv(index=False).encode(), "text/csv")},
        headers={"Accept": "application/json"},
    )
    assert upload.status_code == 200, upload.text
    assert upload.json()["status"] == "queued"

    leaderboard_url = f"{base}/c/{competition.slug}/tasks/{task.slug}/leaderboard/"

    def scored_row():
        html = web.get(leaderboard_url).text
        match = re.search(r'data-team="Echo".*?data-value="([0-9.]+)"', html, re.S)
        return match and float(match.group(1))

    assert wait_for(scored_row, what="the score on the leaderboard") == 1.0

    # A wrong file (missing ids) ends as invalid, with a message, and changes nothing else.
    response = web.post(
        f"{task_url}submit/",
        data={"csrfmiddlewaretoken": token, "method_name": "Oracle"},
        files={
            "file": ("short.csv", predictions.iloc[3:].to_csv(index=False).encode(), "text/csv")
        },
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    fragment_url = f"{task_url}submissions/"
    fragment = wait_for(
        lambda: (html := web.get(fragment_url).text) and 'data-status="invalid"' in html and html,
        what="the invalid submission",
    )
    assert "3" in fragment and "missing" in fragment.lower()
    html = web.get(leaderboard_url).text
    assert re.search(r'data-team="Echo".*?<td class="num">1</td>', html, re.S)  # still 1 entry
