"""Splits igo's start-up: how long `igo worker` takes to say it is ready
(process start, Go runtime and package init, interpreter and symbol tables),
measured on its own the way the kernel side starts it (requests on fd 3,
events on fd 4). Prints one JSON object.

    python startup.py IGO_BINARY [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import time


def worker_ready(igo: str) -> float:
    req_r, req_w = os.pipe()
    ev_r, ev_w = os.pipe()

    def fds():
        # Move both out of the way first: either may already be 3 or 4.
        high_r, high_w = os.dup(req_r) + 100, os.dup(ev_w) + 100
        os.dup2(req_r, high_r)
        os.dup2(ev_w, high_w)
        os.dup2(high_r, 3)
        os.dup2(high_w, 4)

    start = time.perf_counter()
    proc = subprocess.Popen([igo, "worker"], preexec_fn=fds, pass_fds=(3, 4),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(req_r)
    os.close(ev_w)
    with os.fdopen(ev_r, "rb") as events:
        first = events.readline()
        took = time.perf_counter() - start
    os.close(req_w)  # the worker ends when its request pipe closes
    proc.wait(timeout=30)
    if b"ready" not in first:
        raise RuntimeError(f"worker said {first!r}")
    return took


def process_start(igo: str) -> float:
    start = time.perf_counter()
    subprocess.run([igo, "version"], capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("igo")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    ready = [worker_ready(args.igo) for _ in range(args.runs)]
    version = [process_start(args.igo) for _ in range(args.runs)]
    print(json.dumps({"worker_ready_s": statistics.median(ready), "igo_version_s": statistics.median(version),
                      "worker_ready_all_s": ready}))


if __name__ == "__main__":
    main()
