"""GoNB notebooks run unchanged on IGo.

Two parts:

- GoMLX's own notebooks, written for GoNB, fetched at a pinned version
  through the Go module proxy (never copied here) and executed with
  nbclient. Only notebooks that need no download and finish quickly are in
  CI; tests/gonb/REPORT.md has the whole table. A notebook that IGo cannot
  run yet is a strict xfail naming the gap, so fixing the gap turns the test
  red until the mark is removed.
- GoNB's cell forms (%% and %main with flags, %args, func main, %rm, %ls,
  %env, %cd, %reset, !cmd, !*cmd, build-only magics, go get, gonbui
  displays) through a real kernel."""

from __future__ import annotations

import sys
from pathlib import Path

import json
import os

import pytest

from igo_client import KERNEL_NAME, REPO, ok, run

sys.path.insert(0, str(Path(__file__).resolve().parent / "gonb"))
import notebooks  # noqa: E402

CELL_TIMEOUT = 300  # seconds per cell; a bound for a hung kernel
NOTEBOOK_TIMEOUT = 600  # whole notebook, for pytest-timeout



# Notebooks whose ops GoMLX's Go backend lacks (FFT): they run on XLA's CPU
# plugin, which tests/run_all.sh installs (PJRT_PLUGIN_LIBRARY_PATH).
# discrete-kan's plots compare with LessThanTotalOrder, also missing there;
# the tutorial asks for XLA itself (%env GOMLX_BACKEND=xla:cpu); Spiral's
# training is quicker there.
NEEDS_XLA = {"examples/fft/fft.ipynb", "examples/discretekan/discrete-kan.ipynb", "examples/tutorial/tutorial.ipynb",
             "examples/spiral/Spiral.ipynb"}

# Notebooks that need no download and run in well under a minute each here,
# with the cells whose flags the notebook itself offers made smaller
# (cell index -> new source), and the gaps that stop them today.
SELECTED = {
    "examples/fft/fft.ipynb": ({}, []),
    "examples/discretekan/discrete-kan.ipynb": ({}, []),
    "examples/tutorial/tutorial.ipynb": ({}, []),
    # Trains 100,000 steps twice with no flag to shorten them: the survey's
    # shortening (notebooks.SHORTER) makes it ~25 s; nothing else changes.
    "examples/spiral/Spiral.ipynb": ({}, []),
}


@pytest.fixture(scope="session")
def gonb_notebooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """GoMLX's notebooks, fetched through the module proxy into a temp dir."""
    try:
        return notebooks.fetch(tmp_path_factory.mktemp("gonb-notebooks"), REPO)
    except RuntimeError as e:
        pytest.fail(str(e))


def test_fetch_finds_the_pinned_notebooks(gonb_notebooks):
    # The table in REPORT.md covers these; a new GoMLX version must update it.
    assert "examples/tutorial/tutorial.ipynb" in gonb_notebooks
    assert "gomlx/ml/layers/rational/rational.ipynb" in gonb_notebooks
    assert len([n for n in gonb_notebooks if n.startswith("examples/")]) == 13, sorted(gonb_notebooks)
    assert all(n.endswith(".ipynb") for n in gonb_notebooks)


def selected_params() -> list:
    return [
        pytest.param(name, marks=[pytest.mark.xfail(strict=True, reason="; ".join(gaps))] if gaps else [], id=name)
        for name, (_, gaps) in SELECTED.items()
    ]



@pytest.mark.timeout(NOTEBOOK_TIMEOUT)
@pytest.mark.parametrize("name", selected_params())
def test_gonb_notebook_runs_without_errors(name, gonb_notebooks, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))  # notebooks write under ~/work
    monkeypatch.setenv("GOMLX_BACKEND", "go")
    if name in NEEDS_XLA:
        if not os.environ.get("PJRT_PLUGIN_LIBRARY_PATH"):
            if os.environ.get("IGO_TEST_XLA") == "required":
                pytest.fail("IGO_TEST_XLA=required but PJRT_PLUGIN_LIBRARY_PATH is not set")
            pytest.skip("needs XLA's CPU plugin (tests/run_all.sh installs xla-cpu-pjrt)")
        monkeypatch.setenv("GOMLX_BACKEND", "xla:cpu")
        monkeypatch.setenv("GOMLX_NO_AUTO_INSTALL", "1")
    cells, _ = SELECTED[name]
    nb, stopped = notebooks.execute(gonb_notebooks[name], KERNEL_NAME, CELL_TIMEOUT, allow_errors=True, set_cells=cells,
                                    replace=notebooks.SHORTER.get(name))
    assert stopped is None, stopped
    # Errors only where GoNB's saved outputs show one too (on purpose).
    expected = notebooks.saved_error_cells(gonb_notebooks[name])
    found = notebooks.errors_in(nb)
    errors = [e.line() for e in found if e.cell not in expected]
    assert not errors, "\n".join(errors)
    missing = sorted(expected - {e.cell for e in found})
    assert not missing, f"cells {missing} fail in GoNB's saved outputs but not here"
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    assert all(c.get("execution_count") for c in code), "not every cell ran"
    assert any(c.get("outputs") for c in code), "the notebook showed nothing"


# --- GoNB's cell forms through a real kernel ---------------------------------

FLAGS = 'var steps = flag.Int("steps", 10, "training steps")\nvar name = flag.String("name", "x", "a name")\n'


def test_percent_percent_body_parses_its_flags(kernel):
    _, kc = kernel
    cell = ok(kc, FLAGS + '\n%% --steps=3 --name="a b" rest\nfmt.Println(*steps, *name, flag.Args())')
    assert cell.stdout == "3 a b [rest]\n", cell.describe()
    # Flags go back to their defaults in the next body.
    assert ok(kc, "%%\nfmt.Println(*steps, *name)").stdout == "10 x\n"


def test_main_magic_and_func_main_cells(kernel):
    _, kc = kernel
    ok(kc, FLAGS)
    assert ok(kc, "%main --steps 4 extra\nfmt.Println(*steps, flag.Args())").stdout == "4 [extra]\n"
    cell = ok(kc, '%args --steps=7\nfunc main() { fmt.Println("main", *steps) }')
    assert cell.stdout == "main 7\n", cell.describe()
    # %args stays for later bodies, as in GoNB.
    assert ok(kc, "%%\nfmt.Println(*steps)").stdout == "7\n"


def test_declaring_flags_again_is_fine(kernel):
    _, kc = kernel
    ok(kc, FLAGS)
    cell = ok(kc, FLAGS + "%% --steps=5\nfmt.Println(*steps)")
    assert cell.stdout == "5\n", cell.describe()


def test_ls_and_rm(kernel):
    _, kc = kernel
    ok(kc, "func helper() int { return 1 }\nvar kept = 2")
    listing = ok(kc, "%ls").stdout
    assert "helper" in listing and "kept" in listing, listing
    ok(kc, "%rm helper")
    assert "helper" not in ok(kc, "%ls").stdout
    cell = run(kc, "helper()")
    assert cell.status == "error" and "helper" in cell.error_text, cell.describe()
    assert ok(kc, "fmt.Println(kept)").stdout == "2\n"


def test_env_cd_and_shell_lines(kernel, tmp_path):
    _, kc = kernel
    cell = ok(kc, '%env IGO_GONB_FORM=hello\n%%\nfmt.Println(os.Getenv("IGO_GONB_FORM"))')
    assert cell.stdout.endswith("hello\n"), cell.describe()
    assert ok(kc, "!echo shell $IGO_GONB_FORM").stdout == "shell hello\n"
    ok(kc, f"%cd {tmp_path}")
    cell = ok(kc, "wd, _ := os.Getwd()\nfmt.Println(wd)")
    assert Path(cell.stdout.strip()).resolve() == tmp_path.resolve(), cell.describe()
    # !* runs in the program's folder in GoNB; IGo has one folder, the current one.
    assert Path(ok(kc, "!*pwd").stdout.strip()).resolve() == tmp_path.resolve()
    failed = run(kc, "!exit 3")
    assert "exit status 3" in failed.text, failed.describe()


def test_build_only_magics_and_go_get_are_noted_not_failed(kernel):
    _, kc = kernel
    cell = ok(kc, "%goflags -race\n%autoget\n%gcflags -N\ngo get github.com/janpfeifer/must")
    for what in ("%goflags", "%autoget", "%gcflags", "go get"):
        assert what in cell.stderr, cell.describe()
    assert ok(kc, 'fmt.Println(must.M1(strconv.Atoi("3")))').stdout == "3\n"


def test_reset_forgets_everything(kernel):
    _, kc = kernel
    ok(kc, FLAGS)
    ok(kc, "%reset")
    cell = run(kc, "fmt.Println(*steps)")
    assert cell.status == "error" and "steps" in cell.error_text, cell.describe()
    # A flag can be declared again after a reset.
    assert ok(kc, FLAGS + "%% --steps=1\nfmt.Println(*steps)").stdout == "1\n"


def test_gonbui_displays(kernel):
    _, kc = kernel
    cell = ok(kc, '%%\ngonbui.DisplayHTML("<b>bold</b>")\ngonbui.DisplayMarkdown("# Title")')
    shown = [m["content"]["data"] for m in cell.outputs if m["msg_type"] == "display_data"]
    assert {"text/html": "<b>bold</b>"}.items() <= shown[0].items(), cell.describe()
    assert "# Title" in shown[1].get("text/markdown", ""), cell.describe()
    cell = ok(kc, '%%\nid := gonbui.UniqueId()\ngonbui.UpdateHTML(id, "one")\ngonbui.UpdateHTML(id, "two")')
    shown = [m for m in cell.outputs if m["msg_type"] in ("display_data", "update_display_data")]
    assert [m["msg_type"] for m in shown] == ["display_data", "update_display_data"], cell.describe()
    assert "two" in shown[1]["content"]["data"]["text/html"]
    ids = {m["content"]["transient"]["display_id"] for m in shown}
    assert len(ids) == 1, cell.describe()


def test_gomlx_margaid_plot_shows_through_gonbui(kernel):
    _, kc = kernel
    cell = ok(kc, (
        'import mg "github.com/gomlx/gomlx/ui/gonb/margaid"\n'
        "%%\nplots := mg.New(320, 200)\n"
        'plots.AddValues("loss", "train", []float64{0.5, 0.25, 0.125})\n'
        "plots.Plot()"
    ))
    svg = [m for m in cell.outputs if m["msg_type"] in ("display_data", "update_display_data")
           and "<svg" in str(m["content"]["data"].get("text/html", ""))]
    assert svg, cell.describe()


def test_plotly_figure_built_in_a_cell_shows_through_gonbui(kernel):
    # GoMLX's rational notebook builds go-plotly figures by hand.
    _, kc = kernel
    cell = ok(kc, (
        'import (\n\tgonbplotly "github.com/janpfeifer/gonb/gonbui/plotly"\n'
        '\tgrob "github.com/MetalBlueberry/go-plotly/generated/v2.34.0/graph_objects"\n'
        '\tptypes "github.com/MetalBlueberry/go-plotly/pkg/types"\n)\n'
        'fig := &grob.Fig{\n'
        '\tLayout: &grob.Layout{Title: &grob.LayoutTitle{Text: ptypes.S("Loss")}},\n'
        '\tData: []ptypes.Trace{&grob.Scatter{Mode: "lines", X: ptypes.DataArray([]float64{1, 2}), Y: ptypes.DataArray([]float32{3, 4})}},\n'
        '}\n'
        'gonbplotly.DisplayFig(fig)'
    ))
    html = "".join(str(m["content"]["data"].get("text/html", "")) for m in cell.outputs if m["msg_type"] == "display_data")
    assert '"type":"scatter"' in html and '"x":[1,2]' in html and '"y":[3,4]' in html and "Loss" in html, cell.describe()
    assert cell.results == [], "a nil error returned by the last call is not a result: " + cell.describe()


def test_klog_fatal_in_compiled_code_fails_the_cell_and_keeps_state(kernel):
    # GoMLX's example packages call klog.Fatal when a download fails.
    _, kc = kernel
    ok(kc, "kept := 42")
    cell = run(kc, 'klog.Fatalf("no data in %s", "/nowhere")')
    assert cell.status == "error" and "klog ended the program" in cell.text, cell.describe()
    assert "no data in /nowhere" in cell.stderr, cell.describe()
    assert ok(kc, "fmt.Println(kept)").stdout == "42\n"


def test_env_backend_that_cannot_load_says_which_plugin_and_what_to_do(kernel):
    # GoNB notebooks choose their backend with %env GOMLX_BACKEND=...
    _, kc = kernel
    cell = ok(kc, "%env GOMLX_BACKEND=xla:nosuch")
    assert "pjrt_c_api_nosuch_plugin.so" in cell.stderr and "%backend go" in cell.stderr, cell.describe()
    cell = ok(kc, "%env GOMLX_BACKEND=go")
    assert cell.stderr == "", cell.describe()


def test_unknown_flag_fails_the_cell_and_keeps_state(kernel):
    _, kc = kernel
    ok(kc, "kept := 42")
    cell = run(kc, "%% --nosuchflag\nfmt.Println(1)")
    assert cell.status == "error" and "nosuchflag" in cell.text, cell.describe()
    if "reset" in cell.error_text:
        pytest.xfail("an unknown flag exits the worker (flag.ExitOnError) and resets the session")
    assert ok(kc, "fmt.Println(kept)").stdout == "42\n"


@pytest.mark.parametrize("code", ['func hello() { fmt.Println("hi") }\nhello()', '%%\nfmt.Println("hi")\ntime.Sleep(0)'])
def test_trailing_call_without_result_shows_no_result(kernel, code):
    _, kc = kernel
    cell = ok(kc, code)
    assert cell.stdout == "hi\n" and cell.results == [], cell.describe()


def test_generic_helpers_keep_their_result_types(kernel):
    # Compiled generics run through non-generic shims; the cell compiler
    # types their calls with the real generic signatures.
    _, kc = kernel
    cell = ok(kc, 'n := must.M1(strconv.Atoi("3")) + 1\nn')
    assert cell.results[0]["text/plain"] == "4", cell.describe()
    cell = ok(kc, 'func batches(scope *model.Scope) int {\n\tn := model.GetParamOr(scope, "num_batches", 4)\n'
                  '\treturn 32 / n\n}\nbatches(model.NewStore().RootScope())')
    assert cell.results[0]["text/plain"] == "8", cell.describe()


CACHE_CELL = ('type P struct{ X, Y float64 }\ncalls := 0\ns := cache.MustNew(%s)\n'
              'ps := cache.CacheWith(s, "ps", func() []P { calls++; return []P{{1, 2}} })\n'
              'fmt.Println(ps[0].X+ps[0].Y, calls)')


def test_gonb_cache_survives_a_kernel_restart(kernel, tmp_path):
    # GoNB's cache.CacheWith[T]: T is an interpreted type; the value is
    # computed once and read back from disk by the restarted kernel.
    km, kc = kernel
    code = CACHE_CELL % json.dumps(str(tmp_path))
    assert ok(kc, code).stdout == "3 1\n"
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=60)
    assert ok(kc, code).stdout == "3 0\n"
    assert any(p.suffix == ".bin" for p in tmp_path.iterdir())
    # Reading it back as another type is the cell's error, and the session stays.
    cell = run(kc, 'q := cache.CacheWith(s, "ps", func() []string { return nil })')
    assert cell.status == "error" and "does not decode as []string" in cell.text, cell.describe()
    assert ok(kc, "fmt.Println(calls)").stdout == "0\n"
    # cache.Cache with an empty key bypasses the cache; its result is typed.
    assert ok(kc, 'n := cache.Cache("", func() int { return 41 }) + 1\nn').results[0]["text/plain"] == "42"


# The smallest cells of GoMLX's notebooks that IGo gets wrong today
# (tests/gonb/REPORT.md): each must run and print what Go prints.
GAP_CELLS = {
    "dot-import": ('import . "github.com/gomlx/gomlx/core/graph"\n\nfunc Sum(a, b *Node) *Node { return Add(a, b) }\n'
                   "%%\nfmt.Println(Sum != nil)", "true\n"),
    "two-dot-imports": ('import (\n\t. "github.com/gomlx/gomlx/core/graph"\n\t. "github.com/gomlx/gomlx/support/exceptions"\n)\n'
                        '%%\nfmt.Println(TryCatch(func() { Panicf("x%d", 1) }), Add != nil)', "x1 true\n"),
    "comma-ok-in-loop": ('m := map[string]int{"a": 1}\nfor _, k := range []string{"a"} {\n'
                         "\tif v, ok := m[k]; ok {\n\t\tfmt.Println(v)\n\t}\n}", "1\n"),
    "comma-ok-if": ('m := map[string]int{"a": 2}\nif v, ok := m["a"]; ok {\n\tfmt.Println(v)\n}', "2\n"),
    "generic-multi-value-call": ("func must[T any](value T, err error) T {\n\tif err != nil {\n\t\tpanic(err)\n\t}\n"
                                 '\treturn value\n}\nvar n = must(strconv.Atoi("3"))\nfmt.Println(n)', "3\n"),
}


# Cells of GoMLX's notebooks that IGo got wrong once: each must keep running
# and print what Go prints.
FIXED_CELLS = GAP_CELLS


@pytest.mark.parametrize("gap", list(FIXED_CELLS))
def test_notebook_forms_igo_once_got_wrong(kernel, gap):
    _, kc = kernel
    code, want = FIXED_CELLS[gap]
    cell = ok(kc, code)
    assert cell.stdout == want, cell.describe()

