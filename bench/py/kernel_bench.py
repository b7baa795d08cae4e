"""Kernel benchmark: the same measurements against several Jupyter kernels,
all driven through jupyter_client (the client every notebook front end
uses), one kernel after the other on the same machine.

Prints one JSON object per kernel on stdout. Usage:

    python kernel_bench.py --kernel igo --kernel python3 --kernel gonb \
        --png PATH [--cells 200] [--starts 5] [--repeats 5]

JUPYTER_PATH must point at the kernelspecs to use.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import psutil
from jupyter_client.manager import KernelManager

# The cells each kernel runs, written the way that kernel's users would.
CELLS = {
    "igo": {
        "trivial": "x := 1",
        "print": "for i := 0; i < 10000; i++ {\n\tfmt.Println(i)\n}",
        "png": 'pngData, _ := os.ReadFile({path})\ndisplay.PNG(pngData)',
    },
    "python3": {
        "trivial": "x = 1",
        "print": "for i in range(10000):\n    print(i)",
        "png": "from IPython.display import Image, display\ndisplay(Image(filename={path}))",
    },
    "gonb": {
        "trivial": "%%\nx := 1\n_ = x",
        "print": "%%\nfor i := 0; i < 10000; i++ {\n\tfmt.Println(i)\n}",
        # GoNB's `go get` of gonbui@latest fails where the module proxy's
        # version list is refused: ask for the version go.mod pins first.
        "png_setup": "!*go get github.com/janpfeifer/gonb@v0.11.3",
        "png": '%%\npngData, _ := os.ReadFile({path})\ngonbui.DisplayPNG(pngData)',
    },
}

CELLS["igo-prof"] = CELLS["igo"]  # bench/kprof: igo with CPU profiles

TIMEOUT = 300  # seconds; a bound for a hung kernel, not a speed check


def run_cell(kc, code: str) -> tuple[float, list[dict]]:
    """Runs code and returns the round trip (request sent to status idle
    and reply received) and the iopub messages of the request."""
    start = time.perf_counter()
    msg_id = kc.execute(code, store_history=True)
    messages, idle, reply = [], False, None
    while not idle:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append(msg)
        idle = msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle"
    while reply is None:
        msg = kc.get_shell_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id:
            reply = msg
    elapsed = time.perf_counter() - start
    if reply["content"]["status"] != "ok":
        errors = [m["content"] for m in messages if m["msg_type"] == "error"]
        detail = [e.get("evalue", "") for e in errors] or [reply["content"].get("evalue", "")]
        raise RuntimeError(f"cell failed: {code[:80]!r}...: {' '.join(detail)[:2000]}")
    return elapsed, messages


def start_kernel(name: str):
    """Starts a kernel and returns the manager, the client and the seconds
    from start_kernel to the first kernel_info_reply. (Not wait_for_ready's
    own time: it ends with a fixed 0.2 s wait for stray IOPub messages.)"""
    km = KernelManager(kernel_name=name)
    start = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    msg_id = kc.kernel_info()  # queued by ZMQ until the kernel's socket is there
    while True:
        msg = kc.get_shell_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id:
            break
    took = time.perf_counter() - start
    kc.wait_for_ready(timeout=TIMEOUT)  # IOPub connected too, before any cell
    return km, kc, took


def stop_kernel(km, kc) -> None:
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def tree_rss(pid: int) -> tuple[int, int]:
    """RSS in bytes of the process and all its descendants, and how many
    processes that was."""
    proc = psutil.Process(pid)
    procs = [proc] + proc.children(recursive=True)
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total, len(procs)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench(name: str, args) -> dict:
    cells = CELLS[name]
    result: dict = {"kernel": name}
    starts = []
    for _ in range(args.starts):
        km, kc, took = start_kernel(name)
        starts.append(took)
        stop_kernel(km, kc)
    result["start_s"] = statistics.median(starts)
    result["start_all_s"] = starts

    km, kc, _ = start_kernel(name)
    try:
        # First cell separately: GoNB compiles (and may fetch) on its first cell.
        first, _ = run_cell(kc, cells["trivial"])
        result["first_cell_s"] = first
        for _ in range(3):
            run_cell(kc, cells["trivial"])
        time.sleep(1)
        rss, nproc = tree_rss(km.provisioner.process.pid)
        result["idle_rss_mb"] = rss / 2**20
        result["idle_processes"] = nproc

        cpu = time.process_time()
        trips = [run_cell(kc, cells["trivial"])[0] for _ in range(args.cells)]
        # The client's own CPU (jupyter_client: sign, verify, (de)serialise):
        # the floor under any kernel's round trip on this machine.
        result["client_cpu_ms_per_cell"] = 1000 * (time.process_time() - cpu) / args.cells
        result["trivial_median_ms"] = 1000 * statistics.median(trips)
        result["trivial_p90_ms"] = 1000 * pct(trips, 0.9)
        result["trivial_n"] = len(trips)

        try:
            measure_print(kc, name, cells, args, result)
        except Exception as err:  # record and go on with the next measurement
            result["print10k_error"] = f"{type(err).__name__}: {err}"
        try:
            measure_png(kc, name, cells, args, result)
        except Exception as err:
            result["png1mb_error"] = f"{type(err).__name__}: {err}"
    finally:
        stop_kernel(km, kc)
    return result


def measure_print(kc, name: str, cells: dict, args, result: dict) -> None:
    prints = []
    for _ in range(args.repeats):
        took, messages = run_cell(kc, cells["print"])
        text = "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream")
        lines = text.splitlines()
        if len(lines) != 10000 or lines[-1] != "9999":
            raise RuntimeError(f"{name}: print cell gave {len(lines)} lines")
        prints.append(took)
    result["print10k_median_ms"] = 1000 * statistics.median(prints)


def measure_png(kc, name: str, cells: dict, args, result: dict) -> None:
    if "png_setup" in cells:
        run_cell(kc, cells["png_setup"])
    pngs = []
    code = cells["png"].replace("{path}", json.dumps(args.png))
    want = (psutil.os.path.getsize(args.png) + 2) // 3 * 4  # base64 size
    for _ in range(args.repeats):
        took, messages = run_cell(kc, code)
        shown = [m for m in messages if m["msg_type"] == "display_data" and "image/png" in m["content"]["data"]]
        if len(shown) != 1 or abs(len(shown[0]["content"]["data"]["image/png"].strip()) - want) > 4:
            raise RuntimeError(f"{name}: PNG cell showed {len(shown)} PNGs of the wrong size")
        pngs.append(took)
    result["png1mb_median_ms"] = 1000 * statistics.median(pngs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernel", action="append", required=True)
    parser.add_argument("--png", required=True)
    parser.add_argument("--cells", type=int, default=200)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    for name in args.kernel:
        try:
            out = bench(name, args)
        except Exception as err:  # record and go on with the next kernel
            out = {"kernel": name, "error": f"{type(err).__name__}: {err}"}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    sys.exit(main())
