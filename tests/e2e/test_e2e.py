"""End to end, as users meet IGo: JupyterLab in a real (headless) browser,
`jupyter nbconvert --execute` to HTML, and the README's first command.

The browser test starts JupyterLab on loopback with the kernel under test
(conftest's igo fixture puts it on JUPYTER_PATH) and runs lab.test.mjs,
which drives the system's Chromium with playwright-core. Screenshots go to
tests/e2e/artifacts/ (or IGO_E2E_ARTIFACTS). It needs node, the npm
packages of this folder (`npm ci`) and /usr/bin/chromium: .ci/run and
tests/run_all.sh install them; without them the browser test is skipped,
or fails where IGO_E2E_REQUIRED=1 (as .ci/run sets)."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from igo_client import REPO

HERE = Path(__file__).resolve().parent
NOTEBOOK = HERE / "e2e.ipynb"
WORKSHOP = sorted((REPO / "notebooks").glob("01*.ipynb"))  # run in the browser too
CHROMIUM = os.environ.get("IGO_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("IGO_E2E_ARTIFACTS", HERE / "artifacts"))
VENV_BIN = Path(sys.executable).parent  # jupyter, from the test suite's venv

SERVER_TIMEOUT = 90  # seconds for JupyterLab to answer
BROWSER_TIMEOUT = 300  # the whole browser script (its own waits are shorter)
LAB_SH_TIMEOUT = 420  # lab.sh on a fresh HOME: build plus pip install jupyterlab


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float, proc: subprocess.Popen, log: Path) -> bytes:
    """Returns the body at url once it answers 200, failing if proc exits
    or timeout passes first."""
    end = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode} before answering:\n{tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return r.read()
        except OSError:
            pass
        if time.monotonic() > end:
            pytest.fail(f"no answer from {url} within {timeout}s:\n{tail(log)}")
        time.sleep(0.5)


def tail(path: Path, n: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return ""


def stop(proc: subprocess.Popen) -> None:
    """Stops a server started in its own session, and whatever it started."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def root_flags() -> list[str]:
    # Jupyter refuses to run as root without it (CI containers run as root).
    return ["--allow-root"] if os.geteuid() == 0 else []


def lab_settings(settings: Path) -> None:
    """User settings for a quiet, test-friendly JupyterLab: no news or
    update toasts over the page, every cell kept in the DOM, and the
    notebook's kernel started without asking."""
    files = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
            "windowingMode": "none", "autoStartDefaultKernel": True},
    }
    for name, value in files.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(value))


def error_outputs(nb, cells: int | None = None) -> list[str]:
    """Error outputs of the first cells of nb, except in cells tagged
    raises-exception (a notebook showing what an error looks like)."""
    found = []
    for i, cell in enumerate(nb.cells[:cells]):
        if "raises-exception" in cell.get("metadata", {}).get("tags", []):
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"cell {i}: {out.get('ename')}: {out.get('evalue')}")
    return found


@pytest.fixture(scope="module")
def lab(igo, tmp_path_factory) -> Iterator[dict]:
    """JupyterLab on loopback serving a fresh copy of the test notebooks."""
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "root"
    root.mkdir()
    shutil.copy(NOTEBOOK, root)
    for nb in WORKSHOP:
        shutil.copy(nb, root)
    copied = time.time()
    lab_settings(tmp / "settings")
    port, token = free_port(), "igo-e2e-" + os.urandom(8).hex()
    env = dict(os.environ,
               JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
               JUPYTER_CONFIG_DIR=str(tmp / "config"),
               IGO_QUICK="1")
    log = tmp / "lab.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", *root_flags()],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_http(f"{url}/api/status?token={token}", SERVER_TIMEOUT, proc, log)
        yield {"url": url, "token": token, "root": root, "log": log, "copied": copied}
    finally:
        stop(proc)


def browser_ready() -> str | None:
    """Why the browser test cannot run here, or None."""
    if not shutil.which("node"):
        return "node is not installed"
    if not (HERE / "node_modules" / "playwright-core").is_dir():
        return "playwright-core is not installed (npm ci in tests/e2e)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    return None


@pytest.mark.timeout(BROWSER_TIMEOUT + 60)
def test_jupyterlab_in_chromium(lab):
    if why := browser_ready():
        if os.environ.get("IGO_E2E_REQUIRED") == "1":
            pytest.fail(why)
        pytest.skip(why)
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    env = dict(os.environ, IGO_LAB_URL=lab["url"], IGO_LAB_TOKEN=lab["token"], IGO_NOTEBOOK=NOTEBOOK.name,
               IGO_EXTRA_NOTEBOOKS=",".join(nb.name for nb in WORKSHOP),
               IGO_ARTIFACTS=str(ARTIFACTS), IGO_CHROMIUM=CHROMIUM)
    try:
        proc = subprocess.run(["node", "lab.test.mjs"], cwd=HERE, env=env, capture_output=True, text=True,
                              timeout=BROWSER_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"browser script ran past {BROWSER_TIMEOUT}s:\n{e.stdout}\n{e.stderr}\nJupyterLab:\n{tail(lab['log'])}")
    print(proc.stdout)
    assert proc.returncode == 0, f"{proc.stdout}\n{proc.stderr}\nJupyterLab:\n{tail(lab['log'])}"
    assert "all e2e checks passed" in proc.stdout
    for shot in ("02-training-live", "04-completion", "05-inspect", "06-interrupt", "07-restarted"):
        assert (ARTIFACTS / f"{shot}.png").stat().st_size > 0, shot

    # What the browser saved after running all cells: no errors, the final plot.
    cells = len(nbformat.read(NOTEBOOK, as_version=4).cells)
    saved = nbformat.read(lab["root"] / NOTEBOOK.name, as_version=4)
    assert not error_outputs(saved, cells)
    plots = [o for c in saved.cells[:cells] for o in c.get("outputs", [])
             if "application/vnd.vegalite.v5+json" in o.get("data", {})]
    assert plots, "the saved notebook has no training plot"
    for nb in [NOTEBOOK, *WORKSHOP]:
        assert (lab["root"] / nb.name).stat().st_mtime > lab["copied"], f"{nb.name} was not saved"
    for nb in WORKSHOP:
        ran = nbformat.read(lab["root"] / nb.name, as_version=4)
        assert not error_outputs(ran), nb.name
        code = [c for c in ran.cells if c.cell_type == "code" and c.source.strip()]
        assert all(c.get("execution_count") for c in code), f"{nb.name}: not every cell ran"


@pytest.mark.timeout(300)
def test_nbconvert_html_has_the_plot(igo, tmp_path):
    nb = tmp_path / NOTEBOOK.name
    shutil.copy(NOTEBOOK, nb)
    proc = subprocess.run(
        [str(VENV_BIN / "jupyter"), "nbconvert", "--to", "html", "--execute", str(nb),
         "--ExecutePreprocessor.timeout=120", "--output-dir", str(tmp_path / "html")],
        capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "html" / "e2e.html").read_text()
    assert "all cells ran, answer is 42" in page
    # The HTML exporter shows the plot's richest format it renders: the SVG
    # (inlined as an image), or PNG, or an embedded Vega-Lite spec.
    svgs = [base64.b64decode(m).decode() for m in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page)]
    plots = [s for s in svgs if "<svg" in s and "Loss" in s]
    plots += re.findall(r'data:image/png;base64,|application/vnd\.vegalite\.v5\+json', page)
    assert plots, "no training plot in the HTML"


def fresh_env(home: Path) -> dict[str, str]:
    """A clean environment on a fresh HOME. Go's and pip's caches are the
    machine's own: they only make the build and the download faster."""
    go_env = json.loads(subprocess.run(["go", "env", "-json", "GOCACHE", "GOMODCACHE", "GOPATH"],
                                       capture_output=True, text=True, check=True).stdout)
    env = {"HOME": str(home), "PATH": os.environ["PATH"], "LANG": "C.UTF-8", **go_env}
    pip_cache = Path(os.environ.get("PIP_CACHE_DIR", Path.home() / ".cache" / "pip"))
    if pip_cache.is_dir():
        env["PIP_CACHE_DIR"] = str(pip_cache)
    for k in ("GOPROXY", "GOFLAGS", "GOTOOLCHAIN", "PIP_INDEX_URL", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",
              "http_proxy", "https_proxy", "no_proxy", "SSL_CERT_FILE"):
        if k in os.environ:
            env[k] = os.environ[k]
    return env


def working_tree_copy(dest: Path) -> None:
    """Copies the checkout's files (tracked and new, not ignored) to dest."""
    files = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=REPO,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        src = REPO / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


@pytest.mark.timeout(LAB_SH_TIMEOUT + 60)
def test_readme_first_command_on_a_fresh_machine(tmp_path):
    readme = (REPO / "README.md").read_text()
    first = re.search(r"```sh\n(\S+)", readme)
    assert first and first.group(1) == "./scripts/lab.sh", "the README's first command changed"
    repo, home = tmp_path / "igo", tmp_path / "home"
    repo.mkdir()
    home.mkdir()
    working_tree_copy(repo)
    assert not (repo / ".venv").exists()
    port, log = free_port(), tmp_path / "lab.log"
    with log.open("w") as out:
        proc = subprocess.Popen(["./scripts/lab.sh", "--no-browser", f"--port={port}", *root_flags()],
                                cwd=repo, env=fresh_env(home), stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        # /api answers without a token: any Jupyter server gives its version.
        body = wait_http(f"http://127.0.0.1:{port}/api", LAB_SH_TIMEOUT, proc, log)
        assert "version" in json.loads(body)
        kernels = json.loads(subprocess.run([str(repo / ".venv" / "bin" / "jupyter"), "kernelspec", "list", "--json"],
                                            env=fresh_env(home), capture_output=True, text=True, check=True).stdout)
        assert "igo" in kernels["kernelspecs"], kernels
    finally:
        stop(proc)
    assert proc.returncode is not None
