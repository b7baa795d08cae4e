"""PyTorch (CPU) version of the training benchmark: the models of
bench/models/models.go, same shapes, Adam, cross-entropy. One JSON line per
model."""

from __future__ import annotations

import math
import os
import time

import torch
import torch.nn.functional as F
from torch import nn

import common as c


class Transformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(c.T_VOCAB, c.T_DIM)
        self.pos = nn.Parameter(torch.randn(1, c.T_SEQ, c.T_DIM) * 0.02)
        self.blocks = nn.ModuleList()
        for _ in range(c.T_BLOCKS):
            self.blocks.append(nn.ModuleDict({
                "q": nn.Linear(c.T_DIM, c.T_DIM, bias=False), "k": nn.Linear(c.T_DIM, c.T_DIM, bias=False),
                "v": nn.Linear(c.T_DIM, c.T_DIM, bias=False), "o": nn.Linear(c.T_DIM, c.T_DIM, bias=False),
                "ff1": nn.Linear(c.T_DIM, c.T_FF), "ff2": nn.Linear(c.T_FF, c.T_DIM),
            }))
        self.head = nn.Linear(c.T_DIM, c.T_VOCAB)
        mask = torch.full((c.T_SEQ, c.T_SEQ), -1e9).triu(1)
        self.register_buffer("mask", mask)

    def forward(self, tokens):
        x = self.embed(tokens) + self.pos
        b, t, d = x.shape
        hd = d // c.T_HEADS
        for blk in self.blocks:
            h = F.layer_norm(x, (d,), eps=1e-5)
            q = blk["q"](h).view(b, t, c.T_HEADS, hd)
            k = blk["k"](h).view(b, t, c.T_HEADS, hd)
            v = blk["v"](h).view(b, t, c.T_HEADS, hd)
            scores = torch.einsum("bqhd,bkhd->bhqk", q, k) / math.sqrt(hd) + self.mask
            mixed = torch.einsum("bhqk,bkhd->bqhd", scores.softmax(-1), v).reshape(b, t, d)
            x = x + blk["o"](mixed)
            x = x + blk["ff2"](F.relu(blk["ff1"](F.layer_norm(x, (d,), eps=1e-5))))
        return self.head(F.layer_norm(x, (d,), eps=1e-5))


def build(name: str) -> nn.Module:
    if name == "mlp":
        return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
    if name == "cnn":
        return nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(32, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.Flatten(), nn.Linear(7 * 7 * 32, 64), nn.ReLU(), nn.Linear(64, 10))
    return Transformer()


def main() -> None:
    args = c.args()
    torch.set_num_threads(args.threads or os.cpu_count())
    for name, warmup, steps in c.plan(args):
        x, y = c.batch(name)
        x, y = torch.from_numpy(x), torch.from_numpy(y)
        if name == "cnn":
            x = x.permute(0, 3, 1, 2).contiguous()  # PyTorch convolutions want channels first
        model = build(name)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)

        def step():
            opt.zero_grad()
            logits = model(x)
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
            loss.backward()
            opt.step()
            return loss

        for _ in range(warmup):
            step()
        start = time.perf_counter()
        for _ in range(steps):
            loss = step()
        elapsed = time.perf_counter() - start
        c.report(model=name, steps_per_s=steps / elapsed, loss=f"{loss.item():.6g}",
                 backend=f"torch {torch.__version__} cpu, {torch.get_num_threads()} threads")


if __name__ == "__main__":
    main()
