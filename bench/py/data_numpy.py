"""NumPy version of bench/data: the same stages on the same files. Prints
one JSON object with the best time of each stage."""

from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path

import numpy as np


def idx(path: Path) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        raw = f.read()
    rank = raw[3]
    dims = np.frombuffer(raw, dtype=">u4", count=rank, offset=4).astype(int)
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def pipeline(d: Path) -> tuple[dict, int]:
    times = {}
    start = total = time.perf_counter()

    def lap(stage):
        nonlocal start
        now = time.perf_counter()
        times[stage] = 1000 * (now - start)
        start = now

    x = idx(d / "train-images-idx3-ubyte.gz")[..., None]
    y = idx(d / "train-labels-idx1-ubyte.gz").astype(np.int32)
    x_test = idx(d / "t10k-images-idx3-ubyte.gz")[..., None]
    idx(d / "t10k-labels-idx1-ubyte.gz")
    lap("decode")
    xf = x.astype(np.float32) * np.float32(1 / 255)
    xf_test = x_test.astype(np.float32) * np.float32(1 / 255)
    lap("to_float32")
    flat = xf.reshape(len(xf), -1)
    mean, std = flat.mean(0), flat.std(0)
    std[std == 0] = 1
    xf = ((flat - mean) / std).reshape(xf.shape)
    _ = ((xf_test.reshape(len(xf_test), -1) - mean) / std).reshape(xf_test.shape)
    lap("standardize")
    one_hot = np.eye(10, dtype=np.float32)[y]
    lap("one_hot")
    perm = np.random.default_rng(1).permutation(len(xf))
    n_test = int(round(0.1 * len(xf)))
    _ = xf[perm[n_test:]], one_hot[perm[n_test:]], xf[perm[:n_test]], one_hot[perm[:n_test]]
    lap("shuffle_split")
    times["total"] = 1000 * (time.perf_counter() - total)
    return times, len(x)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    best: dict = {}
    for _ in range(args.repeats):
        times, n = pipeline(Path(args.dir))
        for k, v in times.items():
            best[k] = min(v, best.get(k, v))
    print(json.dumps({"tool": f"NumPy {np.__version__}", "examples": n, "ms": best}))


if __name__ == "__main__":
    main()
