"""Small helpers over jupyter_client for the kernel tests: run a cell and
keep every message it produced, with the time each one arrived."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any, Callable

from jupyter_client.blocking.client import BlockingKernelClient

REPO = Path(__file__).resolve().parent.parent
KERNEL_NAME = "igo"
CELL_TIMEOUT = 30  # seconds; a bound for a hung kernel, not a speed check

OUTPUT_TYPES = {"stream", "display_data", "update_display_data", "execute_result", "error", "clear_output"}


@dataclasses.dataclass
class Cell:
    reply: dict[str, Any]
    messages: list[dict[str, Any]]  # iopub messages for this request, in order
    arrived: list[float]  # time.time() at which each message was read

    @property
    def status(self) -> str:
        return self.reply["content"]["status"]

    @property
    def outputs(self) -> list[dict[str, Any]]:
        """The messages a notebook would show as outputs."""
        return [m for m in self.messages if m["msg_type"] in OUTPUT_TYPES]

    def stream(self, name: str) -> str:
        return "".join(
            m["content"]["text"] for m in self.outputs if m["msg_type"] == "stream" and m["content"]["name"] == name
        )

    @property
    def stdout(self) -> str:
        return self.stream("stdout")

    @property
    def stderr(self) -> str:
        return self.stream("stderr")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [m for m in self.outputs if m["msg_type"] == "error"]

    @property
    def error_text(self) -> str:
        """Name, value and traceback of every error, plus the reply's."""
        parts = []
        for c in [m["content"] for m in self.errors] + [self.reply["content"]]:
            parts += [c.get("ename", ""), c.get("evalue", ""), *c.get("traceback", [])]
        return "\n".join(p for p in parts if p)

    @property
    def results(self) -> list[dict[str, Any]]:
        return [m["content"]["data"] for m in self.outputs if m["msg_type"] == "execute_result"]

    @property
    def text(self) -> str:
        """Every bit of text the cell showed, whatever its kind."""
        parts = []
        for m in self.outputs:
            c = m["content"]
            if m["msg_type"] == "stream":
                parts.append(c["text"])
            elif "data" in c:
                parts += [str(c["data"].get(k, "")) for k in ("text/plain", "text/markdown", "text/html")]
        return "\n".join(parts) + "\n" + self.error_text

    def describe(self) -> str:
        return f"status={self.status}\noutputs={[(m['msg_type'], m['content']) for m in self.outputs]}"


def run(
    kc: BlockingKernelClient,
    code: str,
    timeout: float = CELL_TIMEOUT,
    allow_stdin: bool = False,
    stdin_hook: Callable[[dict[str, Any]], None] | None = None,
    store_history: bool = True,
) -> Cell:
    """Runs code and returns its reply and iopub messages."""
    messages: list[dict[str, Any]] = []
    arrived: list[float] = []

    def hook(msg: dict[str, Any]) -> None:
        arrived.append(time.time())
        messages.append(msg)

    reply = kc.execute_interactive(
        code,
        timeout=timeout,
        output_hook=hook,
        allow_stdin=allow_stdin,
        stdin_hook=stdin_hook,
        store_history=store_history,
    )
    return Cell(reply, messages, arrived)


def ok(kc: BlockingKernelClient, code: str, **kw: Any) -> Cell:
    """Runs code that must succeed."""
    cell = run(kc, code, **kw)
    assert cell.status == "ok", f"cell failed:\n{code}\n{cell.describe()}"
    assert not cell.errors, cell.describe()
    return cell


def shell_reply(kc: BlockingKernelClient, msg_id: str, timeout: float = CELL_TIMEOUT) -> dict[str, Any]:
    """Waits for the shell reply to msg_id, dropping replies to others."""
    deadline = time.monotonic() + timeout
    while True:
        msg = kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def iopub_until_idle(kc: BlockingKernelClient, msg_id: str, timeout: float = CELL_TIMEOUT) -> list[dict[str, Any]]:
    """Collects msg_id's iopub messages up to its idle status."""
    deadline = time.monotonic() + timeout
    out = []
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        out.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return out
