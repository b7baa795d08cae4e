"""Notebooks executed end to end with nbclient, as `jupyter nbconvert
--execute` would: every workshop notebook in notebooks/, plus a small smoke
notebook of the test suite's own. IGO_QUICK=1 asks notebooks to use small
datasets and few training steps."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from igo_client import KERNEL_NAME, REPO

CELL_TIMEOUT = 300  # seconds per cell; a bound for a hung kernel
NOTEBOOK_TIMEOUT = 1200  # whole notebook, for pytest-timeout

NOTEBOOKS = sorted((REPO / "notebooks").glob("**/*.ipynb"))
NOTEBOOKS = [p for p in NOTEBOOKS if ".ipynb_checkpoints" not in p.parts]
SMOKE = Path(__file__).resolve().parent / "data" / "smoke.ipynb"


def ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(REPO)) for p in paths]


def errors_in(nb) -> list[str]:
    """The error outputs of a notebook, one line each."""
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"cell {i}: {out.get('ename')}: {out.get('evalue')}")
    return found


def execute(path: Path, monkeypatch: pytest.MonkeyPatch):
    """Executes the notebook at path in a fresh igo kernel and returns it."""
    monkeypatch.setenv("IGO_QUICK", "1")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=KERNEL_NAME,
        timeout=CELL_TIMEOUT,
        startup_timeout=60,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()  # raises CellExecutionError on the first error
    return nb


@pytest.mark.timeout(NOTEBOOK_TIMEOUT)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_notebook_executes_without_errors(path, monkeypatch):
    nb = execute(path, monkeypatch)
    assert not errors_in(nb)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_committed_notebook_is_clean(path):
    nb = nbformat.read(path, as_version=4)
    assert not errors_in(nb), f"{path.name} was committed with error outputs"
    assert nb.metadata.get("kernelspec", {}).get("name") == KERNEL_NAME, nb.metadata


def test_smoke_notebook(monkeypatch):
    nb = execute(SMOKE, monkeypatch)
    outputs = [cell.get("outputs", []) for cell in nb.cells if cell.cell_type == "code"]
    assert [o["text"] for o in outputs[0] if o["output_type"] == "stream"] == ["hello\n"], outputs[0]
    assert outputs[1] == [], outputs[1]
    results = [o for o in outputs[2] if o["output_type"] == "execute_result"]
    assert len(results) == 1 and results[0]["data"]["text/plain"] == "42", outputs[2]
    assert not errors_in(nb)
