"""Where GoMLX's GoNB notebooks come from, and how to run one on IGo.

The notebooks are not copied into this repository: they are fetched at a
pinned version through the Go module proxy (`go mod download`), which is
the only network CI has, and read from the module cache."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

# GoMLX's example notebooks live in their own module; a few more ship in
# the gomlx module itself (the version go.mod pins).
EXAMPLES_MODULE = "github.com/gomlx/gomlx/examples@v0.28.1"
GOMLX_MODULE = "github.com/gomlx/gomlx@v0.28.2"


def module_dir(module: str, cwd: Path) -> Path:
    """Downloads module (path@version) through the Go module proxy, once,
    and returns its read-only directory in the module cache."""
    proc = subprocess.run(
        ["go", "mod", "download", "-json", module],
        cwd=cwd, capture_output=True, text=True, timeout=600,
    )
    info = json.loads(proc.stdout or "{}")
    if proc.returncode != 0 or "Dir" not in info:
        raise RuntimeError(f"go mod download {module} failed: {info.get('Error') or proc.stderr}")
    return Path(info["Dir"])


def fetch(dest: Path, cwd: Path) -> dict[str, Path]:
    """Copies every notebook of both modules into dest (writable, so
    notebooks may write next to themselves) and returns them by name,
    e.g. "examples/tutorial/tutorial.ipynb"."""
    found = {}
    for prefix, module in (("examples", EXAMPLES_MODULE), ("gomlx", GOMLX_MODULE)):
        root = module_dir(module, cwd)
        for src in sorted(root.rglob("*.ipynb")):
            rel = src.relative_to(root)
            if prefix == "gomlx" and rel.parts[0] == "examples":
                continue
            out = dest / prefix / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, out)
            out.chmod(0o644)
            found[f"{prefix}/{rel}"] = out
    return found


@dataclasses.dataclass
class CellError:
    cell: int  # index among all cells
    ename: str
    evalue: str
    source: str  # the cell's code

    def line(self) -> str:
        first = self.evalue.strip().splitlines()[0] if self.evalue.strip() else ""
        return f"cell {self.cell}: {self.ename}: {first}"


def strip_outputs(nb) -> None:
    """Drops GoNB's saved outputs so what is checked is what IGo produced."""
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs = []
            c.execution_count = None


# For the survey only (--short): text replacements that shrink the training
# of notebooks whose cells train for many minutes and offer no flag to
# shorten them. Nothing else of the notebook changes.
SHORTER = {
    "examples/spiral/Spiral.ipynb": [("100_000)", "2_000)")],
    "examples/discretekan/kans_shapes.ipynb": [("BaseNumSteps = 10_000", "BaseNumSteps = 500"),
                                                ("BaseNumSteps = 2500", "BaseNumSteps = 500")],
    "gomlx/ml/layers/rational/rational.ipynb": [("NumSteps=100_000", "NumSteps=300"),
                                                 ("BatchSize=50_000", "BatchSize=1_000")],
}


def execute(path: Path, kernel_name: str, cell_timeout: int, allow_errors: bool,
            set_cells: dict[int, str] | None = None, replace: list[tuple[str, str]] | None = None):
    """Runs the notebook at path on the named kernel, in its own folder, and
    returns (notebook, error) where error is what stopped it (a timeout or a
    dead kernel), if anything. set_cells replaces the source of cells by
    index (for a notebook's own flags made smaller)."""
    nb = nbformat.read(path, as_version=4)
    strip_outputs(nb)
    for i, src in (set_cells or {}).items():
        nb.cells[i].source = src
    for old, new in replace or []:
        for c in nb.cells:
            if c.cell_type == "code":
                c.source = c.source.replace(old, new)
    client = NotebookClient(
        nb, kernel_name=kernel_name, timeout=cell_timeout, startup_timeout=60,
        allow_errors=allow_errors, resources={"metadata": {"path": str(path.parent)}},
    )
    stopped = None
    try:
        client.execute()
    except (CellTimeoutError, DeadKernelError, CellExecutionError) as e:
        stopped = f"{type(e).__name__}: {str(e).strip().splitlines()[-1] if str(e).strip() else ''}"
    return nb, stopped


def errors_in(nb) -> list[CellError]:
    """Every error output of the executed notebook."""
    found = []
    for i, c in enumerate(nb.cells):
        for out in c.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(CellError(i, out.get("ename", ""), out.get("evalue", ""), c.source))
    return found


def saved_error_cells(path: Path) -> set[int]:
    """Indices of the cells whose outputs, as saved by GoNB, hold an error:
    the notebook shows a failure on purpose there (GoMLX's tutorial mixes
    dtypes to show the message), so IGo failing there is the same result."""
    nb = nbformat.read(path, as_version=4)
    return {i for i, c in enumerate(nb.cells)
            if any(o.get("output_type") == "error" for o in c.get("outputs", []))}
