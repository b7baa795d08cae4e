"""Shared fixtures: build the igo binary once, install its kernelspec into a
private prefix, and point Jupyter there so tests never touch the user's
kernels."""

from __future__ import annotations

import dataclasses
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_client.manager import KernelManager

from igo_client import KERNEL_NAME, REPO

# Generous: a cold build compiles GoMLX and yaegi's symbol tables.
BUILD_TIMEOUT = 1200
STARTUP_TIMEOUT = 60


@dataclasses.dataclass(frozen=True)
class IGo:
    binary: Path  # the freshly built igo
    prefix: Path  # install prefix given to `igo install --prefix`
    data_dir: Path  # prefix/share/jupyter, on JUPYTER_PATH
    kernel_dir: Path  # data_dir/kernels/igo
    tmp: Path  # scratch space for the session

    def run(self, *args: str, **kw) -> subprocess.CompletedProcess:
        """Runs the igo binary with args, failing loudly on a non-zero exit."""
        kw.setdefault("timeout", 60)
        proc = subprocess.run(
            [str(self.binary), *args], capture_output=True, text=True, **kw
        )
        if proc.returncode != 0:
            pytest.fail(
                f"igo {' '.join(args)} exited {proc.returncode}\n"
                f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
            )
        return proc


@pytest.fixture(scope="session", autouse=True)
def igo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IGo]:
    """Builds and installs the kernel under test, once per session.

    Autouse, because jupyter_kernel_test's classes find the kernel by name
    through JUPYTER_PATH and cannot ask for a fixture."""
    tmp = tmp_path_factory.mktemp("igo")
    binary = tmp / "igo"
    build = subprocess.run(
        ["go", "build", "-o", str(binary), "."],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    if build.returncode != 0:
        pytest.exit(f"go build failed:\n{build.stdout}\n{build.stderr}", returncode=1)

    prefix = tmp / "jupyter"
    data_dir = prefix / "share" / "jupyter"
    env = IGo(binary, prefix, data_dir, data_dir / "kernels" / KERNEL_NAME, tmp)
    env.run("install", "--prefix", str(prefix))
    if not (env.kernel_dir / "kernel.json").is_file():
        pytest.exit(f"igo install wrote no kernel.json in {env.kernel_dir}", returncode=1)

    saved = {k: os.environ.get(k) for k in ("JUPYTER_PATH", "JUPYTER_RUNTIME_DIR")}
    paths = [str(data_dir)] + ([saved["JUPYTER_PATH"]] if saved["JUPYTER_PATH"] else [])
    os.environ["JUPYTER_PATH"] = os.pathsep.join(paths)
    runtime_dir = tmp / "runtime"
    runtime_dir.mkdir()
    os.environ["JUPYTER_RUNTIME_DIR"] = str(runtime_dir)
    yield env
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture
def kernel(igo: IGo):
    """A fresh kernel and a blocking client with its channels started."""
    km = KernelManager(kernel_name=KERNEL_NAME)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
    except RuntimeError:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        raise
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=False)
