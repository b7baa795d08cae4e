"""The kernel driven by jupyter_client, as a notebook front end drives it:
state, outputs and their order, errors, interrupts, crashes of the worker,
stdin, message signing, completion, history, magics and the kernelspec."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest
from jupyter_client.session import Session

from igo_client import CELL_TIMEOUT, iopub_until_idle, ok, run, shell_reply

RESET_WORDS = re.compile(r"reset|restart", re.IGNORECASE)


def assert_alive(kc, var: str, want: str, error_text: str, must_keep_state: bool = False) -> None:
    """Checks the kernel still runs cells after a failure, and that var
    survived, or that the failure's error text announced a state reset."""
    cell = run(kc, f"fmt.Println({var})")
    if cell.status == "ok":
        assert cell.stdout.strip() == want, cell.describe()
    else:
        assert not must_keep_state, f"{var} was lost:\n{cell.describe()}"
        assert RESET_WORDS.search(error_text), f"state was lost but the error did not say so:\n{error_text}"
    ok(kc, 'fmt.Println("alive")')


# --- state and results -------------------------------------------------------


def test_state_persists_across_cells(kernel):
    _, kc = kernel
    first = ok(kc, "counter := 1")
    ok(kc, "counter++")
    ok(kc, "func double(n int) int { return 2 * n }")
    ok(kc, "type point struct{ X, Y int }")
    last = ok(kc, "p := point{X: double(counter), Y: 3}\nfmt.Println(counter, p.X, p.Y)")
    assert last.stdout == "2 4 3\n", last.describe()
    counts = first.reply["content"]["execution_count"], last.reply["content"]["execution_count"]
    assert counts[1] - counts[0] == 4, counts


def test_trailing_expression_is_the_result(kernel):
    _, kc = kernel
    assert ok(kc, "x := 20").results == [], "a statement has no result"
    cell = ok(kc, 'fmt.Print("side ")\nx*2 + 2')
    assert [r["text/plain"] for r in cell.results] == ["42"], cell.describe()
    assert cell.stdout == "side "
    # The result comes after the cell's other outputs.
    assert cell.outputs[-1]["msg_type"] == "execute_result"


def test_streams_are_sent_while_the_cell_runs(kernel):
    _, kc = kernel
    cell = ok(kc, 'fmt.Println("first")\ntime.Sleep(time.Second)\nfmt.Println("second")')
    streams = [(m, t) for m, t in zip(cell.messages, cell.arrived) if m["msg_type"] == "stream"]
    first = [(m, t) for m, t in streams if "first" in m["content"]["text"]]
    second = [(m, t) for m, t in streams if "second" in m["content"]["text"]]
    assert first and second, cell.describe()
    first_msg, first_arrival = first[0]
    second_msg, _ = second[0]
    assert first_msg is not second_msg, "both lines came in one message, after the sleep"
    # Causality, not speed: "first" was in our hands before the kernel
    # created the message carrying "second" (same machine, same clock).
    assert first_arrival < second_msg["header"]["date"].timestamp()


def test_fd_level_output_is_captured(kernel):
    _, kc = kernel
    cell = ok(kc, 'syscall.Write(1, []byte("raw-out\\n"))')
    assert "raw-out" in cell.stdout, cell.describe()
    cell = ok(kc, 'syscall.Write(2, []byte("raw-err\\n"))')
    assert "raw-err" in cell.stderr, cell.describe()


def test_stderr_stream(kernel):
    _, kc = kernel
    cell = ok(kc, 'fmt.Fprintln(os.Stderr, "to-stderr")\nfmt.Println("to-stdout")')
    assert cell.stderr == "to-stderr\n", cell.describe()
    assert cell.stdout == "to-stdout\n", cell.describe()


# --- errors ----------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "undefinedThing + 1",  # compile error
        'panic("boom")',
        "var s []int\n_ = s[3]",  # runtime error
    ],
    ids=["compile", "panic", "runtime"],
)
def test_error_cell_gives_one_error_and_next_cell_works(kernel, code):
    _, kc = kernel
    ok(kc, "kept := 41")
    cell = run(kc, code)
    assert cell.status == "error", cell.describe()
    assert len(cell.outputs) == 1 and cell.outputs[0]["msg_type"] == "error", cell.describe()
    content = cell.errors[0]["content"]
    assert content["ename"] and content["evalue"] and content["traceback"], content
    if "s[3]" in code:  # reads as Go's runtime error, not the interpreter's reflect panic
        assert content["evalue"].startswith("runtime error:") and "out of range" in content["evalue"], content
    after = ok(kc, "fmt.Println(kept + 1)")
    assert after.stdout == "42\n", after.describe()


def test_interrupt_stops_an_endless_loop_and_keeps_state(kernel):
    km, kc = kernel
    ok(kc, "kept := 41")
    msg_id = kc.execute("for {\n}")
    # Wait until the kernel has taken the cell, then let it spin a moment.
    deadline = time.monotonic() + CELL_TIMEOUT
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
            break
    time.sleep(0.5)
    km.interrupt_kernel()
    reply = shell_reply(kc, msg_id, timeout=CELL_TIMEOUT)
    assert reply["content"]["status"] == "error", reply["content"]
    outputs = iopub_until_idle(kc, msg_id)
    assert [m["msg_type"] for m in outputs if m["msg_type"] == "error"] == ["error"], outputs
    assert_alive(kc, "kept + 1", "42", "", must_keep_state=True)


def test_interrupt_of_a_blocking_compiled_call(kernel):
    km, kc = kernel
    ok(kc, "kept := 41")
    msg_id = kc.execute("time.Sleep(time.Hour)")
    deadline = time.monotonic() + CELL_TIMEOUT
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
            break
    time.sleep(0.5)
    km.interrupt_kernel()
    reply = shell_reply(kc, msg_id, timeout=CELL_TIMEOUT)
    assert reply["content"]["status"] == "error", reply["content"]
    errors = [m for m in iopub_until_idle(kc, msg_id) if m["msg_type"] == "error"]
    assert len(errors) == 1, errors
    text = "\n".join([errors[0]["content"]["evalue"], *errors[0]["content"]["traceback"]])
    assert_alive(kc, "kept + 1", "42", text)


def test_goroutine_panic_is_reported_and_kernel_survives(kernel):
    _, kc = kernel
    ok(kc, "kept := 41")
    cell = run(kc, 'go func() { panic("bg") }()\ntime.Sleep(time.Second)')
    assert cell.status == "error", cell.describe()
    assert len(cell.errors) == 1, cell.describe()
    assert "bg" in cell.error_text, cell.describe()
    assert_alive(kc, "kept + 1", "42", cell.error_text)


def test_os_exit_is_reported_and_kernel_survives(kernel):
    _, kc = kernel
    ok(kc, "kept := 41")
    cell = run(kc, "os.Exit(3)")
    assert cell.status == "error", cell.describe()
    assert len(cell.errors) == 1, cell.describe()
    assert re.search(r"exit", cell.error_text, re.IGNORECASE) and re.search(r"\b3\b", cell.error_text), cell.describe()
    assert_alive(kc, "kept + 1", "42", cell.error_text)


# --- stdin -------------------------------------------------------------------

READ_LINE = 'line, err := bufio.NewReader(os.Stdin).ReadString(\'\\n\')\nfmt.Printf("line=%q err=%v\\n", line, err)'


def test_stdin_reads_a_line_from_the_front_end(kernel):
    _, kc = kernel
    requests = []

    def answer(msg):
        requests.append(msg)
        kc.input("gopher")

    cell = ok(kc, READ_LINE, allow_stdin=True, stdin_hook=answer)
    assert len(requests) == 1, requests
    assert requests[0]["msg_type"] == "input_request"
    assert cell.stdout == 'line="gopher\\n" err=<nil>\n', cell.describe()


def test_stdin_not_allowed_gives_a_clear_error(kernel):
    _, kc = kernel

    def must_not_ask(msg):
        pytest.fail(f"kernel asked for input although stdin is not allowed: {msg}")

    cell = run(kc, READ_LINE, allow_stdin=False, stdin_hook=must_not_ask)
    assert "err=<nil>" not in cell.stdout, cell.describe()
    assert "stdin" in cell.text.lower(), cell.describe()
    ok(kc, 'fmt.Println("alive")')


# --- security --------------------------------------------------------------


@pytest.mark.parametrize("key", [b"not-the-kernel-key", b""], ids=["wrong-key", "unsigned"])
def test_badly_signed_message_is_not_executed(kernel, tmp_path, key):
    _, kc = kernel
    target = tmp_path / "pwned"
    intruder = Session(key=key, signature_scheme=kc.session.signature_scheme, username="intruder")
    content = {
        "code": f'os.WriteFile({json.dumps(str(target))}, []byte("x"), 0o644)',
        "silent": False,
        "store_history": True,
        "user_expressions": {},
        "allow_stdin": False,
        "stop_on_error": True,
    }
    bad = intruder.send(kc.shell_channel.socket, "execute_request", content)
    bad_id = bad["header"]["msg_id"]

    # The shell socket is served in order: once a later, well-signed request
    # is answered, the bad one has been dealt with.
    info_id = kc.kernel_info()
    deadline = time.monotonic() + CELL_TIMEOUT
    while True:
        msg = kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
        assert msg["parent_header"].get("msg_id") != bad_id, f"kernel answered the bad message: {msg}"
        if msg["parent_header"].get("msg_id") == info_id:
            break
    ok(kc, 'fmt.Println("still serving")')
    assert not target.exists(), "a message with a bad signature was executed"


# --- introspection ---------------------------------------------------------


def test_is_complete(kernel):
    _, kc = kernel
    cases = {
        "x := 1": "complete",
        "func f() {": "incomplete",
        "if true {\n\tfmt.Println(1)": "incomplete",
        "x := )": "invalid",
    }
    for code, want in cases.items():
        msg_id = kc.is_complete(code)
        content = shell_reply(kc, msg_id)["content"]
        assert content["status"] == want, (code, content)
        if want == "incomplete":
            assert content["indent"].strip() == "" and content["indent"], (code, content)


def test_completion_replaces_the_token_at_the_cursor(kernel):
    _, kc = kernel
    code = "strings.ToU"
    content = shell_reply(kc, kc.complete(code, len(code)))["content"]
    assert content["status"] == "ok", content
    assert set(content["matches"]) == {"ToUpper", "ToUpperSpecial"}, content
    assert (content["cursor_start"], content["cursor_end"]) == (len("strings."), len(code)), content

    ok(kc, "myVariable := 1")
    code = "fmt.Println(myVa"
    content = shell_reply(kc, kc.complete(code, len(code)))["content"]
    assert "myVariable" in content["matches"], content
    assert content["cursor_start"] == len("fmt.Println("), content


def test_inspect_shows_the_signature(kernel):
    _, kc = kernel
    code = "strings.ToUpper"
    content = shell_reply(kc, kc.inspect(code, len(code)))["content"]
    assert content["status"] == "ok" and content["found"], content
    text = content["data"]["text/plain"]
    assert "ToUpper" in text and "string" in text, text


def test_history(kernel):
    _, kc = kernel
    ok(kc, "histMarker := 7")
    ok(kc, "notStored := 1", store_history=False)
    ok(kc, "histMarker * 6")

    content = shell_reply(kc, kc.history(hist_access_type="tail", n=10, raw=True, output=False))["content"]
    codes = [entry[2] for entry in content["history"]]
    assert codes[-2:] == ["histMarker := 7", "histMarker * 6"], codes
    assert "notStored := 1" not in codes

    content = shell_reply(kc, kc.history(hist_access_type="search", pattern="histMarker*", raw=True, output=False))["content"]
    assert sorted(entry[2] for entry in content["history"]) == ["histMarker * 6", "histMarker := 7"], content


# --- magics ------------------------------------------------------------------


def test_magic_help_lists_the_magics(kernel):
    _, kc = kernel
    text = ok(kc, "%help").text
    for name in ("%help", "%who", "%time", "%env"):
        assert name in text, text


def test_magic_who_lists_variables(kernel):
    _, kc = kernel
    ok(kc, 'whoAlpha := 1\nwhoBeta := "b"')
    text = ok(kc, "%who").text
    assert "whoAlpha" in text and "whoBeta" in text, text


def test_magic_time_runs_and_times_the_code(kernel):
    _, kc = kernel
    cell = ok(kc, '%time fmt.Println("timed")')
    assert "timed\n" in cell.stdout, cell.describe()
    # A Go duration such as 1.2ms or 850µs, whatever its value.
    assert re.search(r"\d(\.\d+)?\s*(ns|µs|us|ms|s)\b", cell.text.replace("timed", "")), cell.describe()


def test_shell_escape(kernel):
    _, kc = kernel
    cell = ok(kc, "!echo igo-shell-ok")
    assert "igo-shell-ok" in cell.stdout, cell.describe()


def test_magic_env_sets_the_environment_of_cells(kernel):
    _, kc = kernel
    ok(kc, "%env IGO_TEST_X=igo-env-ok")
    cell = ok(kc, 'fmt.Println(os.Getenv("IGO_TEST_X"))')
    assert cell.stdout == "igo-env-ok\n", cell.describe()


# --- kernelspec --------------------------------------------------------------


def kernelspecs(data_dir) -> dict:
    env = dict(os.environ, JUPYTER_PATH=str(data_dir))
    proc = subprocess.run(
        [sys.executable, "-m", "jupyter", "kernelspec", "list", "--json"],
        capture_output=True, text=True, env=env, timeout=60, check=True,
    )
    return json.loads(proc.stdout)["kernelspecs"]


def test_kernelspec_install_list_uninstall(igo, tmp_path):
    prefix = tmp_path / "prefix"
    data_dir = prefix / "share" / "jupyter"
    kernel_dir = data_dir / "kernels" / "igo"

    igo.run("install", "--prefix", str(prefix))
    igo.run("install", "--prefix", str(prefix))  # re-install overwrites
    found = kernelspecs(data_dir)["igo"]
    assert os.path.samefile(found["resource_dir"], kernel_dir), found
    spec = found["spec"]
    assert spec["argv"] == [str(igo.binary), "kernel", "{connection_file}"], spec
    assert spec["language"] == "go" and spec["display_name"] == "Go (IGo)", spec
    assert spec["interrupt_mode"] == "message", spec
    for logo in ("logo-32x32.png", "logo-64x64.png", "logo-svg.svg"):
        assert (kernel_dir / logo).is_file(), logo

    igo.run("uninstall", "--prefix", str(prefix))
    assert not kernel_dir.exists()
    after = kernelspecs(data_dir).get("igo")
    assert after is None or not after["resource_dir"].startswith(str(prefix)), after


@pytest.mark.parametrize("where", ["sys-prefix", "user"])
def test_install_follows_jupyter_dirs(igo, tmp_path, where):
    env = dict(os.environ)
    if where == "sys-prefix":
        env["VIRTUAL_ENV"] = str(tmp_path)
        args, want = ["--sys-prefix"], tmp_path / "share" / "jupyter" / "kernels" / "igo"
    else:
        env["JUPYTER_DATA_DIR"] = str(tmp_path)
        args, want = [], tmp_path / "kernels" / "igo"
    igo.run("install", *args, env=env)
    assert json.loads((want / "kernel.json").read_text())["argv"][0] == str(igo.binary)
    igo.run("uninstall", *args, env=env)
    assert not want.exists()
