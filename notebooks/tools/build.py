"""Builds the workshop notebooks (notebooks/*.ipynb) from their sources in
notebooks/tools/src/*.go.txt, and optionally executes them.

A source is Go cells and Markdown between marker lines:

    #%% md          a Markdown cell
    #%% code        a code cell
    #%% solution    a code cell whose source starts collapsed (an exercise's solution)
    #%% error       a code cell that is meant to fail (tagged raises-exception)

Usage:
    python notebooks/tools/build.py            # write the .ipynb files, no outputs
    python notebooks/tools/build.py --execute  # and run them (full mode), keeping outputs

--execute writes a dataset mirror with `go run ./datasets/internal/testfiles/mirror`
and points IGO_DATASETS_MIRROR at it (this machine has no internet), then runs each
notebook with nbclient in the igo kernel and prints its wall time.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
NOTEBOOKS = HERE.parent
REPO = NOTEBOOKS.parent

KERNELSPEC = {"display_name": "Go (IGo)", "language": "go", "name": "igo"}
LANGUAGE = {"name": "go", "file_extension": ".go", "mimetype": "text/x-go"}


def cell_id(name: str, i: int) -> str:
    return hashlib.sha1(f"{name}:{i}".encode()).hexdigest()[:8]


def parse(src: Path) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": LANGUAGE}
    kind, lines = None, []

    def flush():
        if kind is None:
            return
        text = "\n".join(lines).strip("\n")
        if kind == "md":
            cell = nbformat.v4.new_markdown_cell(text)
        else:
            cell = nbformat.v4.new_code_cell(text)
            if kind == "solution":
                cell.metadata["jupyter"] = {"source_hidden": True}
                cell.metadata["tags"] = ["solution"]
            if kind == "error":
                cell.metadata["tags"] = ["raises-exception"]
        cell.id = cell_id(src.name, len(nb.cells))
        nb.cells.append(cell)

    for line in src.read_text().splitlines():
        if line.startswith("#%% "):
            flush()
            kind, lines = line[4:].strip(), []
            if kind not in ("md", "code", "solution", "error"):
                sys.exit(f"{src}: unknown cell kind {kind!r}")
        else:
            lines.append(line)
    flush()
    return nb


def make_mirror(dest: Path, images: int, text: int) -> None:
    subprocess.run(
        ["go", "run", "./datasets/internal/testfiles/mirror", "-out", str(dest),
         "-images", str(images), "-text", str(text)],
        cwd=REPO, check=True)


def execute(nb, path: Path, timeout: int) -> float:
    from nbclient import NotebookClient

    client = NotebookClient(nb, kernel_name="igo", timeout=timeout, startup_timeout=60,
                            allow_error_names=[], resources={"metadata": {"path": str(path.parent)}})
    start = time.monotonic()
    client.execute()
    return time.monotonic() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--execute", action="store_true", help="run the notebooks and keep their outputs")
    ap.add_argument("--quick", action="store_true", help="with --execute: IGO_QUICK=1")
    ap.add_argument("--mirror", help="with --execute: an existing mirror directory")
    ap.add_argument("only", nargs="*", help="source names to build (default: all)")
    args = ap.parse_args()

    sources = sorted(HERE.glob("src/*.go.txt"))
    if args.only:
        sources = [s for s in sources if any(o in s.name for o in args.only)]
    if args.execute:
        os.environ.pop("IGO_QUICK", None)
        if args.quick:
            os.environ["IGO_QUICK"] = "1"
        if not args.mirror:
            args.mirror = tempfile.mkdtemp(prefix="igo-mirror-")
            make_mirror(Path(args.mirror), 60000, 1115394)
        os.environ["IGO_DATASETS_MIRROR"] = args.mirror
        os.environ.setdefault("IGO_DATA_DIR", tempfile.mkdtemp(prefix="igo-data-"))
    for src in sources:
        out = NOTEBOOKS / src.name.replace(".go.txt", ".ipynb")
        nb = parse(src)
        if args.execute:
            try:
                secs = execute(nb, out, 1800)
            except Exception:
                failed = out.with_suffix(".failed.ipynb")
                nbformat.write(nb, failed)  # what ran, for a look; not a workshop notebook
                print(f"{out.name}: FAILED, partial run in {failed}", flush=True)
                raise
            print(f"{out.name}: {secs:.0f} s", flush=True)
        nbformat.validate(nb)
        nbformat.write(nb, out)


if __name__ == "__main__":
    main()
