"""Runs every GoNB notebook of GoMLX on an installed IGo kernel and prints
what happened to each, as JSON lines: a survey, not a test (see
tests/test_gonb_examples.py for what CI checks).

    JUPYTER_PATH=PREFIX/share/jupyter python tests/gonb/survey.py [--timeout S] [NAME-SUBSTRING...]

Each notebook runs in a copy, in a fresh kernel, with HOME pointed at a
scratch folder (the notebooks write datasets under ~/work)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebooks  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    ap.add_argument("--kernel", default="igo")
    ap.add_argument("--short", action="store_true", help="shrink long training (notebooks.SHORTER)")
    ap.add_argument("only", nargs="*")
    args = ap.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="gonb-survey-"))
    os.environ["HOME"] = str(scratch / "home")
    (scratch / "home").mkdir()
    found = notebooks.fetch(scratch / "nb", REPO)
    for name, path in found.items():
        if args.only and not any(o in name for o in args.only):
            continue
        start = time.time()
        replace = notebooks.SHORTER.get(name) if args.short else None
        nb, stopped = notebooks.execute(path, args.kernel, args.timeout, allow_errors=True, replace=replace)
        errs = notebooks.errors_in(nb)
        code = [c for c in nb.cells if c.cell_type == "code"]
        print(json.dumps({
            "notebook": name,
            "seconds": round(time.time() - start, 1),
            "code_cells": len(code),
            "stopped": stopped,
            "shortened": bool(replace),
            "errors": [{"cell": e.cell, "ename": e.ename, "evalue": e.evalue[:2000], "source": e.source[:3000]} for e in errs],
        }), flush=True)


if __name__ == "__main__":
    main()
