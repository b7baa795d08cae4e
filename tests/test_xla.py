"""GoMLX's XLA backend through the kernel: `%backend xla:cpu` with the CPU
PJRT plugin from PyPI's xla-cpu-pjrt wheel, training the same cells on the
Go backend and on XLA, and the errors a user gets without a plugin.

The plugin is found in PJRT_PLUGIN_LIBRARY_PATH (tests/run_all.sh points it
at a folder in .venv) or, failing that, in the Python running the tests.
Tests needing it skip without it, unless IGO_TEST_XLA=required (CI), where
its absence fails them. Every kernel here runs with GOMLX_NO_AUTO_INSTALL=1
unless a test says otherwise, so none of them downloads anything."""

from __future__ import annotations

import contextlib
import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_client.manager import KernelManager

from conftest import STARTUP_TIMEOUT
from igo_client import KERNEL_NAME, ok, run

PLUGIN_NAME = "pjrt_c_api_cpu_plugin.so"  # the name go-xla's search looks for
TRAIN_TIMEOUT = 300  # seconds for a training cell; a bound for a hung kernel

# A closed local port as proxy: any download attempt fails at once, and says so.
DEAD_PROXY = "http://127.0.0.1:9"


def wheel_plugin() -> Path | None:
    """The plugin file of the xla-cpu-pjrt wheel in this Python, if any."""
    try:
        spec = importlib.util.find_spec("xla_plugins.xla_cpu_pjrt")
    except ModuleNotFoundError:
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        so = Path(folder) / "xla_cpu_pjrt.so"
        if so.is_file():
            return so
    return None


def plugin_folder(tmp_path: Path) -> Path | None:
    """A folder holding pjrt_c_api_cpu_plugin.so: the one named by
    PJRT_PLUGIN_LIBRARY_PATH, or a new one linking to the wheel's file."""
    for folder in filter(None, os.environ.get("PJRT_PLUGIN_LIBRARY_PATH", "").split(":")):
        if (Path(folder) / PLUGIN_NAME).is_file():
            return Path(folder)
    so = wheel_plugin()
    if so is None:
        return None
    folder = tmp_path / "pjrt"
    folder.mkdir()
    (folder / PLUGIN_NAME).symlink_to(so)
    return folder


@pytest.fixture
def cpu_plugin(tmp_path: Path) -> Path:
    """The folder with XLA's CPU plugin; skips (fails under IGO_TEST_XLA=required) without one."""
    folder = plugin_folder(tmp_path)
    if folder is None:
        msg = "no XLA CPU plugin: pip install xla-cpu-pjrt, or set PJRT_PLUGIN_LIBRARY_PATH"
        if os.environ.get("IGO_TEST_XLA") == "required":
            pytest.fail(msg)
        pytest.skip(msg)
    return folder


@contextlib.contextmanager
def kernel_with(env: dict[str, str | None]) -> Iterator:
    """A kernel whose environment is ours changed by env (None removes a
    variable); yields a started blocking client."""
    full = {k: v for k, v in os.environ.items() if k not in env}
    full.update({k: v for k, v in env.items() if v is not None})
    km = KernelManager(kernel_name=KERNEL_NAME)
    km.start_kernel(env=full)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
        yield kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def offline_env(tmp_path: Path, plugins: Path | None, auto_install: bool = False) -> dict[str, str | None]:
    """An environment with no way out: a dead proxy, a private HOME (where
    GoMLX would install plugins), plugins searched only in plugins (an
    empty folder when None), and the Go backend as the starting default."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    if plugins is None:
        plugins = tmp_path / "no-plugins"
        plugins.mkdir(exist_ok=True)
    return {
        "HOME": str(home),
        "HTTPS_PROXY": DEAD_PROXY,
        "HTTP_PROXY": DEAD_PROXY,
        "NO_PROXY": None,
        "PJRT_PLUGIN_LIBRARY_PATH": str(plugins),
        "GOMLX_NO_AUTO_INSTALL": None if auto_install else "1",
        "GOMLX_BACKEND": "go",
    }


def assert_still_go(kc) -> None:
    """%backend shows the Go backend, and a graph runs on it."""
    shown = ok(kc, "%backend")
    assert "GOMLX_BACKEND=go" in shown.stdout, shown.describe()
    cell = ok(kc, "graph.MustNewExec(compute.MustNew(), func(x *graph.Node) *graph.Node { return graph.MulScalar(x, 3) }).MustCall(float32(2))[0].Value()")
    assert "6" in cell.text, cell.describe()


# --- without a plugin: the errors users see ---------------------------------


def test_missing_plugin_file_names_it_and_hints(tmp_path):
    with kernel_with(offline_env(tmp_path, None)) as kc:
        cell = run(kc, "%backend xla:/nonexistent/plugin.so")
        assert cell.status == "error", cell.describe()
        text = cell.error_text
        assert "/nonexistent/plugin.so" in text and "no such file" in text, text
        assert "%backend go" in text and "PJRT_PLUGIN_LIBRARY_PATH" in text, text
        assert_still_go(kc)


def test_no_plugin_no_auto_install_no_download(tmp_path):
    env = offline_env(tmp_path, None)
    with kernel_with(env) as kc:
        cell = run(kc, "%backend xla:cpu")
        assert cell.status == "error", cell.describe()
        text = cell.error_text
        assert "no plugins found" in text, text
        # Auto-install is off: no attempt to download, so no proxy error.
        assert "auto-install" not in text and "127.0.0.1:9" not in text, text
        assert "(it is set now: 1)" in text, text
        assert_still_go(kc)
    assert not (Path(env["HOME"]) / ".local" / "lib" / "go-xla").exists(), "a plugin folder was created"


def test_auto_install_offline_fails_with_hint(tmp_path):
    """With auto-install on and no network, GoMLX tries to download the
    plugin: the cell fails with the reason and the hint, the kernel lives."""
    with kernel_with(offline_env(tmp_path, None, auto_install=True)) as kc:
        cell = run(kc, "%backend xla:cpu", timeout=60)
        assert cell.status == "error", cell.describe()
        text = cell.error_text
        # The attempt went to the dead proxy: it was made, and went nowhere.
        assert "auto-install" in text and "127.0.0.1:9" in text, text
        assert "%backend go" in text and "(it is set now: no)" in text, text
        assert_still_go(kc)


# --- with XLA's CPU plugin ----------------------------------------------------

# Cells a user would write: quadrant data drawn by a graph, an MLP trained
# with train.Loop on whatever backend compute.MustNew() gives, and its
# held-out accuracy.
DEFINE_CELLS = [
    """
func quadrants(backend compute.Backend, seed int64, n int) (*tensors.Tensor, *tensors.Tensor) {
	e := graph.MustNewExec2(backend, func(g *graph.Graph) (*graph.Node, *graph.Node) {
		rng := graph.RNGStateFromSeedForGraph(g, seed)
		_, p := graph.RandomUniform(rng, shapes.Make(dtypes.Float32, n, 2))
		p = graph.SubScalar(graph.MulScalar(p, 2), 1)
		prod := graph.Mul(graph.Slice(p, graph.AxisRange(), graph.AxisElem(0)), graph.Slice(p, graph.AxisRange(), graph.AxisElem(1)))
		return p, graph.ConvertDType(graph.GreaterThan(prod, graph.ScalarZero(g, dtypes.Float32)), dtypes.Float32)
	})
	return e.MustCall()
}
""",
    """
func mlp(scope *model.Scope, x *graph.Node) *graph.Node {
	return fnn.New(scope, x, 1).NumHiddenLayers(2, 32).Activation(activation.TypeSwish).Done()
}
""",
    """
func trainQuadrants() float32 {
	backend := compute.MustNew()
	fmt.Println("training on", backend.Name())
	xTrain, yTrain := quadrants(backend, 1, 2048)
	xTest, yTest := quadrants(backend, 2, 1024)
	trainData, err := prep.InMemory(backend, "train", xTrain, yTrain, 128, true, false, 42)
	if err != nil {
		panic(err)
	}
	trainData.Infinite(true)
	testData, err := prep.InMemory(backend, "test", xTest, yTest, 256, false, false, 0)
	if err != nil {
		panic(err)
	}
	store := model.NewStore()
	store.SetParam(optimizer.ParamLearningRate, 0.01)
	trainer := train.NewTrainer(backend, store, mlp, loss.BinaryCrossentropyLogits,
		optimizer.Adam().Done(), nil,
		[]metric.Interface{metric.NewMeanBinaryLogitsAccuracy("Accuracy", "#acc")})
	if _, err := train.NewLoop(trainer).RunSteps(trainData, 600); err != nil {
		panic(err)
	}
	results, err := trainer.Eval(testData)
	if err != nil {
		panic(err)
	}
	return results[1].Value().(float32)
}
""",
]

TRAIN_CELL = 'fmt.Printf("accuracy %.4f\\n", trainQuadrants())'


def accuracy(cell) -> float:
    for line in cell.stdout.splitlines():
        if line.startswith("accuracy "):
            return float(line.split()[1])
    raise AssertionError(f"no accuracy printed:\n{cell.describe()}")


def test_backend_xla_cpu_trains_like_go(tmp_path, cpu_plugin):
    with kernel_with(offline_env(tmp_path, cpu_plugin)) as kc:
        for code in DEFINE_CELLS:
            ok(kc, code)

        switched = ok(kc, "%backend xla:cpu")
        assert "backend: xla (GOMLX_BACKEND=xla:cpu)" in switched.stdout, switched.describe()
        assert 'PJRT "cpu" plugin' in switched.stdout and "device 0" in switched.stdout, switched.describe()
        shown = ok(kc, "%backend")
        assert "GOMLX_BACKEND=xla:cpu" in shown.stdout, shown.describe()

        on_xla = ok(kc, TRAIN_CELL, timeout=TRAIN_TIMEOUT)
        assert "training on xla" in on_xla.stdout, on_xla.describe()
        assert accuracy(on_xla) >= 0.95, on_xla.describe()

        ok(kc, "%backend go")
        on_go = ok(kc, TRAIN_CELL, timeout=TRAIN_TIMEOUT)
        assert "training on go" in on_go.stdout.lower(), on_go.describe()
        assert accuracy(on_go) >= 0.95, on_go.describe()


def test_backend_names_the_wheel_file(tmp_path, cpu_plugin):
    """`%backend xla:/path/file.so` takes a plugin by its path, whatever
    its file name: pip's xla_cpu_pjrt.so works as installed."""
    so = (cpu_plugin / PLUGIN_NAME).resolve()
    with kernel_with(offline_env(tmp_path, None)) as kc:
        cell = ok(kc, f"%backend xla:{so}")
        assert "backend: xla" in cell.stdout and str(so) in cell.stdout, cell.describe()
        result = ok(kc, "graph.MustNewExec(compute.MustNew(), func(x *graph.Node) *graph.Node { return graph.ReduceAllSum(graph.Mul(x, x)) }).MustCall([]float32{1, 2, 3})[0].Value()")
        assert "14" in result.text, result.describe()
