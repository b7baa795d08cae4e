"""Notebooks executed end to end with nbclient, as `jupyter nbconvert
--execute` would: every workshop notebook in notebooks/, plus a small smoke
notebook of the test suite's own. IGO_QUICK=1 asks notebooks to use small
datasets and few training steps; their data comes from a local mirror that
the mirror command writes (datasets/internal/testfiles/mirror), as there is
no network in CI.

A cell may fail only if it is tagged raises-exception (a notebook showing
what an error looks like), and then it must fail: the demonstration has to
stay true. Every other error output fails the test, in the executed and in
the committed notebook alike."""

from __future__ import annotations

import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from igo_client import KERNEL_NAME, REPO

CELL_TIMEOUT = 600  # seconds per cell; a bound for a hung kernel
NOTEBOOK_TIMEOUT = 1200  # whole notebook, for pytest-timeout

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
SMOKE = Path(__file__).resolve().parent / "data" / "smoke.ipynb"

# Quick-mode mirror: enough images for every --limit the notebooks use.
MIRROR_IMAGES = 12000
MIRROR_TEXT = 300000


def ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(REPO)) for p in paths]


def expects_error(cell) -> bool:
    return "raises-exception" in cell.get("metadata", {}).get("tags", [])


def errors_in(nb) -> list[str]:
    """The unexpected error outputs of a notebook, one line each."""
    found = []
    for i, cell in enumerate(nb.cells):
        if expects_error(cell):
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"cell {i}: {out.get('ename')}: {out.get('evalue')}")
    return found


def missing_errors(nb) -> list[str]:
    """Cells tagged raises-exception that did not fail."""
    return [
        f"cell {i} is tagged raises-exception but did not fail"
        for i, cell in enumerate(nb.cells)
        if expects_error(cell)
        and not any(o.get("output_type") == "error" for o in cell.get("outputs", []))
    ]


@pytest.fixture(scope="session")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dataset mirror in the real upstream formats, written once."""
    dest = tmp_path_factory.mktemp("mirror")
    proc = subprocess.run(
        ["go", "run", "./datasets/internal/testfiles/mirror", "-out", str(dest),
         "-images", str(MIRROR_IMAGES), "-text", str(MIRROR_TEXT)],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    if proc.returncode != 0:
        pytest.fail(f"mirror command failed:\n{proc.stdout}\n{proc.stderr}")
    return dest


def execute(path: Path, monkeypatch: pytest.MonkeyPatch, mirror: Path | None = None, cache: Path | None = None):
    """Executes the notebook at path in a fresh igo kernel and returns it."""
    monkeypatch.setenv("IGO_QUICK", "1")
    if mirror is not None:
        monkeypatch.setenv("IGO_DATASETS_MIRROR", str(mirror))
        monkeypatch.setenv("IGO_DATA_DIR", str(cache))
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=KERNEL_NAME,
        timeout=CELL_TIMEOUT,
        startup_timeout=60,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()  # raises CellExecutionError on the first unexpected error
    return nb


@pytest.mark.timeout(NOTEBOOK_TIMEOUT)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_notebook_executes_without_errors(path, monkeypatch, mirror, tmp_path_factory):
    cache = tmp_path_factory.getbasetemp() / "dataset-cache"  # shared: each file is copied once
    cache.mkdir(exist_ok=True)
    nb = execute(path, monkeypatch, mirror, cache)
    assert not errors_in(nb)
    assert not missing_errors(nb)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_committed_notebook_is_clean(path):
    nb = nbformat.read(path, as_version=4)
    assert not errors_in(nb), f"{path.name} was committed with error outputs"
    assert not missing_errors(nb), f"{path.name} was committed without the errors it demonstrates"
    assert nb.metadata.get("kernelspec", {}).get("name") == KERNEL_NAME, nb.metadata
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    assert code and all(c.get("execution_count") for c in code), f"{path.name} was committed without running every cell"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_notebook_has_exercises_with_hidden_solutions(path):
    nb = nbformat.read(path, as_version=4)
    assert any("## Exercises" in c.source for c in nb.cells if c.cell_type == "markdown"), path.name
    hidden = [c for c in nb.cells if c.get("metadata", {}).get("jupyter", {}).get("source_hidden")]
    assert hidden, f"{path.name} has no collapsed solution cells"


def test_smoke_notebook(monkeypatch):
    nb = execute(SMOKE, monkeypatch)
    outputs = [cell.get("outputs", []) for cell in nb.cells if cell.cell_type == "code"]
    assert [o["text"] for o in outputs[0] if o["output_type"] == "stream"] == ["hello\n"], outputs[0]
    assert outputs[1] == [], outputs[1]
    results = [o for o in outputs[2] if o["output_type"] == "execute_result"]
    assert len(results) == 1 and results[0]["data"]["text/plain"] == "42", outputs[2]
    assert not errors_in(nb)
