"""Shapes and data shared by the PyTorch and JAX training benchmarks; they
mirror bench/models/models.go (same sizes, same pseudo-random batches)."""

from __future__ import annotations

import argparse
import json

import numpy as np

MLP_BATCH = 128
CNN_BATCH = 64
T_BATCH, T_SEQ, T_VOCAB, T_DIM, T_HEADS, T_FF, T_BLOCKS = 32, 32, 64, 64, 4, 256, 2


def pseudo_random(n: int, modulo: int) -> np.ndarray:
    """The linear congruential sequence of models.go's pseudoRandom."""
    out = np.empty(n, dtype=np.uint32)
    state = 12345
    for i in range(n):
        state = (state * 1664525 + 1013904223) & 0xFFFFFFFF
        out[i] = (state >> 8) % modulo
    return out


def batch(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The fixed (inputs, labels) batch of a model, channels last for images."""
    if name == "mlp":
        x = (pseudo_random(MLP_BATCH * 784, 1000) / 1000).astype(np.float32).reshape(MLP_BATCH, 784)
        return x, pseudo_random(MLP_BATCH, 10).astype(np.int64)
    if name == "cnn":
        x = (pseudo_random(CNN_BATCH * 784, 1000) / 1000).astype(np.float32).reshape(CNN_BATCH, 28, 28, 1)
        return x, pseudo_random(CNN_BATCH, 10).astype(np.int64)
    if name == "transformer":
        x = pseudo_random(T_BATCH * T_SEQ, T_VOCAB).astype(np.int64).reshape(T_BATCH, T_SEQ)
        return x, pseudo_random(T_BATCH * T_SEQ, T_VOCAB).astype(np.int64).reshape(T_BATCH, T_SEQ)
    raise ValueError(f"unknown model {name!r}")


def args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default="mlp,cnn,transformer", help="NAME or NAME:WARMUP:STEPS, comma-separated")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--threads", type=int, default=0, help="0: every core")
    return parser.parse_args()


def plan(args: argparse.Namespace) -> list[tuple[str, int, int]]:
    """(model, warmup steps, timed steps) for each entry of --models."""
    out = []
    for entry in args.models.split(","):
        name, *counts = entry.split(":")
        warmup, steps = (int(counts[0]), int(counts[1])) if counts else (args.warmup, args.steps)
        out.append((name, warmup, steps))
    return out


def report(**fields) -> None:
    print(json.dumps(fields), flush=True)
