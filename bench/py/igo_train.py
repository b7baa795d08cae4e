"""Trains the benchmark models inside the igo kernel: the source of
bench/models/models.go (package clause removed) is sent as one cell, then a
cell per model calls Run, as a notebook user would. Prints one JSON line per
model, like bench/train does.

    python igo_train.py --models mlp,cnn,transformer --warmup 5 --steps 100

JUPYTER_PATH must point at the igo kernelspec.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import common
from kernel_bench import run_cell, start_kernel, stop_kernel

MODELS_GO = Path(__file__).resolve().parent.parent / "models" / "models.go"


def models_cell() -> str:
    source = MODELS_GO.read_text()
    # Drop the package doc comment and clause: a cell has neither.
    source = re.sub(r"(?s)\A.*?^package models\n", "", source, flags=re.M)
    # igo's cell type checker sees train.Dataset.Iter as the plain function
    # type, not iter.Seq2 (a finding reported in RESULTS.md): spell it so.
    source = source.replace("iter.Seq2[train.Batch, error]", "func(func(train.Batch, error) bool)")
    return source.replace('\t"iter"\n', "")


def main() -> int:
    args = common.args()
    km, kc, _ = start_kernel("igo")
    try:
        run_cell(kc, models_cell())
        run_cell(kc, "benchBackend := compute.MustNew()")
        for name, warmup, steps in common.plan(args):
            code = (
                f'rate, lastLoss, err := Run(benchBackend, "{name}", {warmup}, {steps})\n'
                "if err != nil {\n\tpanic(err)\n}\n"
                'fmt.Printf("RESULT %v %s\\n", rate, lastLoss)'
            )
            _, messages = run_cell(kc, code)
            text = "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream")
            found = re.search(r"RESULT (\S+) (\S+)", text)
            if not found:
                raise RuntimeError(f"no result from the igo cell: {text!r}")
            print(json.dumps({"model": name, "steps_per_s": float(found[1]), "loss": found[2], "backend": "igo kernel, " + (os.environ.get("GOMLX_BACKEND") or "go")}), flush=True)
    finally:
        stop_kernel(km, kc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
