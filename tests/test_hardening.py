"""Hostile input, faults and long sessions, against the real binary.

Crafted frames go through real ZMQ sockets; faults are real signals to the
kernel and worker processes (the worker is the kernel's child, found in
/proc). Every wait is bounded: a hang fails the test, it never stalls the
suite."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import zmq
from jupyter_client.manager import KernelManager
from jupyter_client.session import Session

from conftest import STARTUP_TIMEOUT, IGo
from igo_client import CELL_TIMEOUT, KERNEL_NAME, ok, run, shell_reply

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")

EXIT_TIMEOUT = 15  # seconds for a process to go away


# ---------------------------------------------------------------- processes


def ppid_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces.
    return int(stat[stat.rindex(")") + 2 :].split()[1])


def alive(pid: int) -> bool:
    """True while pid runs (a zombie counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def children(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit() and ppid_of(int(d.name)) == pid and alive(int(d.name)):
            out.append(int(d.name))
    return out


def wait_for(cond, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def kernel_pid(km: KernelManager) -> int:
    return km.provisioner.process.pid


def worker_pid(km: KernelManager) -> int:
    """The Go worker: the kernel process's only live child."""
    kids = wait_for(lambda: children(kernel_pid(km)), EXIT_TIMEOUT, "the worker process")
    assert len(kids) == 1, f"kernel has children {kids}"
    return kids[0]


def gone(pid: int, what: str) -> None:
    wait_for(lambda: not alive(pid), EXIT_TIMEOUT, f"{what} (pid {pid}) to exit")


@contextlib.contextmanager
def started(env: dict[str, str] | None = None) -> Iterator[tuple[KernelManager, object]]:
    """A kernel with a started client; killed at the end whatever happened."""
    km = KernelManager(kernel_name=KERNEL_NAME)
    km.start_kernel(env={**os.environ, **(env or {})})
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
        yield km, kc
    finally:
        kc.stop_channels()
        if km.has_kernel:
            km.shutdown_kernel(now=True)


def new_client(km: KernelManager):
    """A second client with its own session, hence its own ZMQ identity
    (km.client() would share the manager's)."""
    kc = km.client(session=Session(key=km.session.key, signature_scheme=km.session.signature_scheme))
    kc.start_channels()
    return kc


def wait_busy(kc, msg_id: str, timeout: float = CELL_TIMEOUT) -> None:
    """Waits until the kernel reports the cell msg_id as started."""
    deadline = time.monotonic() + timeout
    while True:
        m = kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_input":
            return


def collect(kc, msg_id: str, timeout: float = CELL_TIMEOUT) -> tuple[dict, list[dict]]:
    """The reply to msg_id and its iopub messages up to idle."""
    reply = shell_reply(kc, msg_id, timeout)
    msgs = []
    deadline = time.monotonic() + timeout
    while True:
        m = kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        msgs.append(m)
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            return reply, msgs


def error_text(reply: dict, msgs: list[dict]) -> str:
    parts = [reply["content"].get("ename", ""), reply["content"].get("evalue", "")]
    for m in msgs:
        if m["msg_type"] == "error":
            parts += [m["content"]["ename"], m["content"]["evalue"], *m["content"]["traceback"]]
        elif m["msg_type"] == "stream":
            parts.append(m["content"]["text"])
    return "\n".join(parts)


# ------------------------------------------------------- crafted signatures


class RawShell:
    """A DEALER on the kernel's shell socket that signs (or not) by hand."""

    def __init__(self, km: KernelManager):
        info = km.get_connection_info()
        self.key = info["key"] if isinstance(info["key"], bytes) else info["key"].encode()
        self.session = Session(key=self.key, signature_scheme="hmac-sha256")
        self.ctx = zmq.Context()
        self.sock = self.ctx.socket(zmq.DEALER)
        self.sock.linger = 0
        self.sock.connect(f"{info['transport']}://{info['ip']}:{info['shell_port']}")

    def close(self):
        self.sock.close()
        self.ctx.term()

    def frames(self, msg_type: str, content: dict) -> tuple[str, list[bytes]]:
        msg = self.session.msg(msg_type, content)
        parts = [json.dumps(msg[k], default=str).encode() for k in ("header", "parent_header", "metadata", "content")]
        return msg["header"]["msg_id"], parts

    def sign(self, parts: list[bytes], key: bytes | None = None) -> bytes:
        return Session(key=key or self.key, signature_scheme="hmac-sha256").sign(parts)

    def send(self, signature: bytes, parts: list[bytes]) -> None:
        self.sock.send_multipart([b"<IDS|MSG>", signature, *parts])

    def replies(self, timeout: float) -> list[dict]:
        """Every reply that arrives within timeout."""
        out = []
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            if not self.sock.poll(int(left * 1000)):
                break
            frames = self.sock.recv_multipart()
            i = frames.index(b"<IDS|MSG>")
            out.append({"parent": json.loads(frames[i + 3]), "type": json.loads(frames[i + 2])["msg_type"]})
        return out

    def reply_to(self, msg_id: str, timeout: float = CELL_TIMEOUT) -> dict:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            for r in self.replies(min(left, 0.5)):
                if r["parent"].get("msg_id") == msg_id:
                    return r
        raise AssertionError(f"no reply to {msg_id} within {timeout}s")


def test_forged_messages_are_never_executed(kernel, tmp_path: Path):
    km, kc = kernel
    raw = RawShell(km)
    try:

        def writer(name: str) -> dict:
            return {"code": f'os.WriteFile({json.dumps(str(tmp_path / name))}, nil, 0o644)', "silent": False}

        forged = []
        # A signature made with another key.
        mid, parts = raw.frames("execute_request", writer("wrong-key"))
        raw.send(raw.sign(parts, key=b"not-the-key"), parts)
        forged.append(mid)
        # No signature at all.
        mid, parts = raw.frames("execute_request", writer("unsigned"))
        raw.send(b"", parts)
        forged.append(mid)
        # Not hex.
        mid, parts = raw.frames("execute_request", writer("garbage-signature"))
        raw.send(b"zz" * 32, parts)
        forged.append(mid)
        # Content changed after signing a harmless request.
        mid, parts = raw.frames("execute_request", {"code": "1 + 1", "silent": False})
        sig = raw.sign(parts)
        parts[3] = json.dumps(writer("tampered")).encode()
        raw.send(sig, parts)
        forged.append(mid)
        # Header changed after signing (a different msg_type).
        mid, parts = raw.frames("kernel_info_request", {})
        sig = raw.sign(parts)
        hdr = json.loads(parts[0])
        hdr["msg_type"] = "execute_request"
        parts[0] = json.dumps(hdr).encode()
        parts[3] = json.dumps(writer("header-swap")).encode()
        raw.send(sig, parts)
        forged.append(mid)

        # A correctly signed request on the same socket runs: the forged
        # ones were not lost on the way, they were refused.
        mid, parts = raw.frames("execute_request", writer("genuine"))
        raw.send(raw.sign(parts), parts)
        got = raw.reply_to(mid)
        assert got["type"] == "execute_reply"
        late = raw.replies(0.5)
        assert not [r for r in late if r["parent"].get("msg_id") in forged]
    finally:
        raw.close()

    assert (tmp_path / "genuine").exists()
    for name in ("wrong-key", "unsigned", "garbage-signature", "tampered", "header-swap"):
        assert not (tmp_path / name).exists(), f"forged request {name} was executed"
    # The regular client still works.
    assert "2" in ok(kc, "1 + 1").text


def test_huge_zmtp_frame_is_refused(kernel):
    """A peer announcing a 4 EiB frame is cut off; the kernel does not try
    to allocate it and keeps serving."""
    km, kc = kernel
    info = km.get_connection_info()
    rss_before = rss(kernel_pid(km))
    greeting = bytes([0xFF]) + bytes(8) + bytes([0x7F, 3, 0]) + b"NULL".ljust(20, b"\0") + bytes(32)
    for port in ("shell_port", "control_port", "iopub_port"):
        with socket.create_connection((info["ip"], info[port]), timeout=10) as s:
            s.sendall(greeting + bytes([0x02]) + (1 << 62).to_bytes(8, "big") + b"x" * 1024)
            s.settimeout(10)
            with contextlib.suppress(OSError):
                while s.recv(4096):  # until the kernel hangs up
                    pass
    assert "2" in ok(kc, "1 + 1").text
    assert rss(kernel_pid(km)) < rss_before + (256 << 20)


def rss(pid: int) -> int:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


# --------------------------------------------------------- connection file


def free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def conn_info(**override) -> dict:
    p = free_ports(5)
    info = {
        "transport": "tcp",
        "ip": "127.0.0.1",
        "signature_scheme": "hmac-sha256",
        "key": uuid.uuid4().hex,
        "shell_port": p[0],
        "iopub_port": p[1],
        "stdin_port": p[2],
        "control_port": p[3],
        "hb_port": p[4],
    }
    info.update(override)
    return info


def kernel_exits(igo: IGo, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(igo.binary), "kernel", str(path)], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    "name,text,expect",
    [
        ("malformed", "{not json", "bad JSON"),
        ("unknown transport", json.dumps(conn_info(transport="udp")), "unknown transport"),
        ("unknown scheme", json.dumps(conn_info(signature_scheme="hmac-md5")), "signature scheme"),
        ("bad port", json.dumps(conn_info(shell_port=70000)), "shell_port"),
        ("no ip", json.dumps(conn_info(ip="")), "ip"),
    ],
)
def test_bad_connection_file_fails_at_start(igo: IGo, tmp_path: Path, name, text, expect):
    path = tmp_path / "conn.json"
    path.write_text(text)
    proc = kernel_exits(igo, path)
    assert proc.returncode != 0, proc
    assert "connection file" in proc.stderr and expect in proc.stderr, proc.stderr


def test_missing_connection_file(igo: IGo, tmp_path: Path):
    proc = kernel_exits(igo, tmp_path / "nowhere.json")
    assert proc.returncode != 0
    assert "connection file" in proc.stderr and "nowhere.json" in proc.stderr, proc.stderr


def test_port_in_use_fails_at_start(igo: IGo, tmp_path: Path):
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    try:
        port = holder.getsockname()[1]
        path = tmp_path / "conn.json"
        path.write_text(json.dumps(conn_info(iopub_port=port)))
        proc = kernel_exits(igo, path)
    finally:
        holder.close()
    assert proc.returncode != 0
    assert "iopub" in proc.stderr and str(port) in proc.stderr, proc.stderr


def listening_inodes() -> dict[str, tuple[str, int]]:
    """inode -> (hex local address, port) of every listening TCP socket."""
    out = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                f = line.split()
                if f[3] == "0A":  # LISTEN
                    addr, port = f[1].split(":")
                    out[f[9]] = (addr, int(port, 16))
    return out


def socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            link = os.readlink(fd)
            if link.startswith("socket:["):
                inodes.add(link[len("socket:[") : -1])
    return inodes


def test_kernel_binds_only_the_named_address(igo: IGo, tmp_path: Path):
    info = conn_info()
    path = tmp_path / "conn.json"
    path.write_text(json.dumps(info))
    proc = subprocess.Popen([str(igo.binary), "kernel", str(path)], stderr=subprocess.PIPE)
    try:
        wanted = {info[k] for k in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")}

        def bound():
            listen = listening_inodes()
            mine = [listen[i] for i in socket_inodes(proc.pid) if i in listen]
            return mine if {p for _, p in mine} >= wanted else None

        mine = wait_for(bound, STARTUP_TIMEOUT, "the kernel to listen on its five ports")
        assert sorted(p for _, p in mine) == sorted(wanted), f"listening on {mine}"
        assert all(addr == "0100007F" for addr, _ in mine), f"bound beyond 127.0.0.1: {mine}"
        for kid in children(proc.pid):
            listen = listening_inodes()
            assert not [listen[i] for i in socket_inodes(kid) if i in listen], "the worker listens"
    finally:
        proc.kill()
        proc.wait(timeout=EXIT_TIMEOUT)


# ------------------------------------------------------------ worker faults


def test_goroutine_panic_keeps_state(kernel):
    km, kc = kernel
    ok(kc, "kept := 41")
    before = worker_pid(km)
    cell = run(kc, 'go func() { panic("boom in a goroutine") }()\ntime.Sleep(200 * time.Millisecond)')
    assert cell.status == "error", cell.describe()
    assert "boom in a goroutine" in cell.error_text
    assert worker_pid(km) == before
    assert "42" in ok(kc, "kept + 1").text


def test_os_exit_is_reported(kernel):
    km, kc = kernel
    ok(kc, "kept := 41")
    before = worker_pid(km)
    cell = run(kc, "os.Exit(3)")
    assert cell.status == "error", cell.describe()
    assert "exit" in cell.error_text.lower() and "3" in cell.error_text, cell.error_text
    if worker_pid(km) == before:  # the worker survived: so did the session
        assert "42" in ok(kc, "kept + 1").text
    assert "ok" in ok(kc, 'fmt.Println("ok")').stdout


def test_worker_killed_mid_cell(kernel):
    km, kc = kernel
    ok(kc, "kept := 1")
    before = worker_pid(km)
    mid = kc.execute("time.Sleep(60 * time.Second)")
    wait_busy(kc, mid)
    time.sleep(0.3)  # let the worker start the sleep
    os.kill(before, signal.SIGKILL)
    reply, msgs = collect(kc, mid)
    assert reply["content"]["status"] == "error"
    text = error_text(reply, msgs)
    assert "killed" in text and "reset" in text, text
    after = worker_pid(km)
    assert after != before
    assert "2" in ok(kc, "1 + 1").text
    cell = run(kc, "kept")  # the state went with the worker: said clearly
    assert cell.status == "error" and "kept" in cell.error_text


def test_worker_killed_between_cells(kernel):
    km, kc = kernel
    before = worker_pid(km)
    os.kill(before, signal.SIGKILL)
    gone(before, "the killed worker")
    cell = run(kc, 'fmt.Println("still here")')
    # Either the cell runs on a new worker, or it says what happened; the
    # one after it runs in any case.
    assert cell.status == "ok" or "reset" in cell.error_text, cell.describe()
    assert "still here" in ok(kc, 'fmt.Println("still here")').stdout
    assert worker_pid(km) != before


@pytest.mark.parametrize(
    "code",
    ["select {}", "var c chan int\n<-c", "time.Sleep(time.Hour)", "for {\n}"],
    ids=["select", "nil-channel", "sleep", "busy-loop"],
)
def test_stuck_cell_interrupted(kernel, code):
    km, kc = kernel
    ok(kc, "kept := 41")
    mid = kc.execute(code)
    wait_busy(kc, mid)
    time.sleep(0.3)
    km.interrupt_kernel()
    reply, msgs = collect(kc, mid)
    assert reply["content"]["status"] == "error"
    assert "nterrupt" in error_text(reply, msgs), error_text(reply, msgs)
    cell = run(kc, "kept + 1")
    text = error_text(reply, msgs)
    if "restarted" in text or "reset" in text:
        assert cell.status == "error"  # a hard interrupt loses state, and said so
    else:
        assert cell.status == "ok" and "42" in cell.text, cell.describe()
    assert "ok" in ok(kc, 'fmt.Println("ok")').stdout


def test_memory_limit(igo: IGo):
    with started({"IGO_MEMORY_LIMIT": "300MiB"}) as (km, kc):
        ok(kc, "kept := 41")
        cell = run(kc, "big := bytes.Repeat([]byte{1}, 2<<30)\nlen(big)", timeout=120)
        assert cell.status == "error", cell.describe()
        assert "memory limit" in cell.error_text.lower() or "IGO_MEMORY_LIMIT" in cell.error_text, cell.error_text
        after = run(kc, "kept + 1")
        if "reset" in cell.error_text:  # the worker was replaced, and it said so
            assert after.status == "error"
        else:
            assert "42" in after.text, after.describe()
        assert "ok" in ok(kc, 'fmt.Println("ok")').stdout


def test_huge_cell_is_complete_answered(kernel):
    km, kc = kernel
    code = "x := 0\n" + "x++\n" * 40_000
    mid = kc.is_complete(code)
    assert shell_reply(kc, mid, timeout=20)["content"]["status"] == "complete"


# ------------------------------------------------------------ client faults


def test_client_disconnects_mid_cell(kernel):
    km, kc = kernel
    mid = kc.execute('for i := 0; i < 30; i++ {\n\tfmt.Println("tick", i)\n\ttime.Sleep(100 * time.Millisecond)\n}')
    wait_busy(kc, mid)
    kc.stop_channels()  # the first client goes away while the cell runs

    kc2 = new_client(km)
    try:
        # The new client sees the rest of the old cell's output (no
        # wait_for_ready: it would wait for the cell and drop that output)...
        later = []
        deadline = time.monotonic() + CELL_TIMEOUT
        while True:
            m = kc2.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
            if m["parent_header"].get("msg_id") != mid:
                continue
            if m["msg_type"] == "stream":
                later.append(m["content"]["text"])
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break
        assert "tick 29" in "".join(later), later
        # ...and runs its own cells.
        assert "after" in ok(kc2, 'fmt.Println("after")').stdout
    finally:
        kc2.stop_channels()


def test_two_clients_share_one_kernel(kernel):
    km, kc = kernel
    kc2 = new_client(km)
    try:
        kc2.wait_for_ready(timeout=STARTUP_TIMEOUT)
        ok(kc, "shared := 20")
        ok(kc2, "shared += 1")
        assert "42" in ok(kc, "shared * 2").text
        # Each client gets the replies to its own requests only.
        a, b = kc.execute("1"), kc2.execute("2")
        assert shell_reply(kc, a)["content"]["status"] == "ok"
        assert shell_reply(kc2, b)["content"]["status"] == "ok"
        with pytest.raises(queue.Empty):
            kc.get_shell_msg(timeout=0.5)
    finally:
        kc2.stop_channels()


@pytest.mark.timeout(300)
def test_thousand_queued_requests_answered_in_order(kernel):
    km, kc = kernel
    n = 1000
    ids = [kc.execute(f"v := {i}\nv * 2", store_history=True) for i in range(n)]
    replies = []
    deadline = time.monotonic() + 240
    while len(replies) < n:
        replies.append(kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic())))
    assert [r["parent_header"]["msg_id"] for r in replies] == ids
    assert all(r["content"]["status"] == "ok" for r in replies), [r["content"] for r in replies if r["content"]["status"] != "ok"][:3]
    counts = [r["content"]["execution_count"] for r in replies]
    assert counts == list(range(counts[0], counts[0] + n))
    # The results came out in order too.
    results = {}
    while len(results) < n:
        m = kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
        if m["msg_type"] == "execute_result":
            results[m["parent_header"]["msg_id"]] = m["content"]["data"]["text/plain"]
    assert [results[i] for i in ids] == [str(2 * i) for i in range(n)]


def test_repeated_interrupts(kernel):
    km, kc = kernel
    ok(kc, "kept := 41")
    for _ in range(3):
        mid = kc.execute("select {}")
        wait_busy(kc, mid)
        for _ in range(5):
            km.interrupt_kernel()
        reply, _ = collect(kc, mid)
        assert reply["content"]["status"] == "error"
    for _ in range(5):  # and while idle: nothing to stop, nothing breaks
        km.interrupt_kernel()
    time.sleep(0.2)
    assert "ok" in ok(kc, 'fmt.Println("ok")').stdout


# ---------------------------------------------------- no orphan processes


def test_shutdown_leaves_no_worker(igo: IGo):
    with started() as (km, kc):
        kernel, worker = kernel_pid(km), worker_pid(km)
        km.shutdown_kernel(now=False)
    gone(worker, "the worker after shutdown")
    gone(kernel, "the kernel after shutdown")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_kernel_death_leaves_no_worker(igo: IGo, sig):
    with started() as (km, kc):
        ok(kc, "x := 1")
        kernel, worker = kernel_pid(km), worker_pid(km)
        mid = kc.execute("time.Sleep(time.Minute)")  # the worker is busy
        wait_busy(kc, mid)
        os.kill(kernel, sig)
        gone(worker, f"the worker after {sig.name} of the kernel")
        gone(kernel, f"the kernel after {sig.name}")
