"""The production shape as processes this script owns: Procfile.production's lines, a private
``redis-server`` and helpers to kill, restart and wait on them (tests/deploy, tests/faults,
bench/faults.py and bench/load.py share it).

Each process starts in a session of its own, so a signal reaches exactly the process meant (a
worker's main process, one pool child, a beat) and stopping the stack never touches anything
this script did not start.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PROCFILE = ROOT / "Procfile.production"


def free_port(exclude: tuple[int, ...] = ()) -> int:
    """A free local port: from STACK_PORTS (e.g. ``9100-9199``) when set, else any free one."""
    span = os.environ.get("STACK_PORTS", "")
    candidates = range(int(span.split("-")[0]), int(span.split("-")[1]) + 1) if span else [0]
    for port in candidates:
        if port in exclude:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in STACK_PORTS={span}")


def wait_for(condition: Callable[[], object], *, timeout: float, what: str, every: float = 0.2):
    """Poll ``condition`` until it returns something truthy and return that, or raise."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = condition()
        except Exception:
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} s for {what}")
        time.sleep(every)


def procfile(path: Path = PROCFILE) -> dict[str, str]:
    """``name: command`` lines of a Procfile (comments and blank lines skipped)."""
    entries = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_]+):\s*(.+)$", line)
        if match and not line.lstrip().startswith("#"):
            entries[match.group(1)] = match.group(2)
    return entries


@dataclass
class Process:
    """One Procfile line run as ``sh -c 'exec …'`` (so its pid is the program's own)."""

    name: str
    command: str
    env: Mapping[str, str]
    log_dir: Path
    popen: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"{self.name}.log"

    def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        path = f"{ROOT / '.venv' / 'bin'}:{os.environ.get('PATH', '')}"
        self.popen = subprocess.Popen(
            ["/bin/sh", "-c", f"exec {self.command}"],
            cwd=ROOT,
            env={**self.env, "PATH": path},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.starts += 1

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def children(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.pid).children()
        except psutil.NoSuchProcess:
            return []

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the main process only (its children see what a real crash leaves them)."""
        if self.alive():
            os.kill(self.pid, sig)

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM to the whole session this process started, SIGKILL to what is left."""
        if self.popen is None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.popen.wait(timeout=timeout)
                break
            except subprocess.TimeoutExpired:
                continue
        # Orphans of a killed main process (pool children) share its session: end them too.
        for proc in psutil.process_iter(["pid"]):
            try:
                if os.getsid(proc.pid) == self.pid:
                    proc.kill()
            except (ProcessLookupError, psutil.Error, PermissionError):
                continue

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@dataclass
class Stack:
    """Some of Procfile.production's processes, with one environment."""

    env: dict[str, str]
    log_dir: Path
    processes: dict[str, Process] = field(default_factory=dict)

    def add(self, *names: str) -> None:
        lines = procfile()
        for name in names:
            self.processes[name] = Process(name, lines[name], self.env, self.log_dir)

    def start(self, *names: str) -> None:
        for name in names or tuple(self.processes):
            self.processes[name].start()

    def __getitem__(self, name: str) -> Process:
        return self.processes[name]

    def stop(self) -> None:
        for process in self.processes.values():
            process.stop()


class PrivateRedis:
    """A ``redis-server`` of our own on a free port."""

    def __init__(self, port: int | None = None, *, persistent: bool = False) -> None:
        # persistent: an append-only file, as a production broker or scheduler Redis has; a
        # restart then keeps queued messages and beat's lock.
        self.persistent = persistent
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="portal-redis-"))
        self.popen: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> PrivateRedis:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.popen = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes" if self.persistent else "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self._answers, timeout=20, what=f"redis-server on port {self.port}")
        return self

    def _answers(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRabbit:
    """A RabbitMQ node of our own (``rabbitmq-server`` with its own name, port, data and config
    under a temporary folder), so a broker restart harms nobody else's queues."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dist_port = free_port(exclude=(self.port,))
        self.node = f"portalfaults{self.port}@localhost"
        self.dir = Path(tempfile.mkdtemp(prefix="portal-rabbit-"))
        self.popen: subprocess.Popen[bytes] | None = None
        (self.dir / "enabled_plugins").write_text("[].\n")
        (self.dir / "rabbitmq.conf").write_text(
            f"listeners.tcp.local = 127.0.0.1:{self.port}\nloopback_users = none\n"
        )
        (self.dir / "env.conf").write_text("")

    def url(self, db: int = 0) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}//"

    def _env(self) -> dict[str, str]:
        return {
            **os.environ,
            "RABBITMQ_CONF_ENV_FILE": str(self.dir / "env.conf"),
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.dir / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.dir / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.dir / "enabled_plugins"),
            "RABBITMQ_PID_FILE": str(self.dir / "pid"),
            "RABBITMQ_FEATURE_FLAGS_FILE": str(self.dir / "feature_flags"),
            "RABBITMQ_CONFIG_FILE": str(self.dir / "rabbitmq.conf"),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
        }

    def start(self) -> PrivateRabbit:
        if shutil.which("rabbitmq-server") is None:
            raise RuntimeError("rabbitmq-server is not installed (apt-get install rabbitmq-server)")
        for sub in ("mnesia", "log"):
            (self.dir / sub).mkdir(exist_ok=True)
        if _has_user("rabbitmq"):  # the server drops to this user and must write its folders
            for path in [self.dir, *self.dir.rglob("*")]:
                shutil.chown(path, "rabbitmq", "rabbitmq")
        self.popen = subprocess.Popen(
            ["rabbitmq-server"],
            env=self._env(),
            stdout=(self.dir / "server.out").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        # await_startup needs the Erlang node up first: ask until it answers.
        wait_for(
            lambda: (
                self.popen.poll() is None
                and subprocess.run(
                    ["rabbitmqctl", "-n", self.node, "await_startup", "--timeout", "10"],
                    env=self._env(),
                    capture_output=True,
                ).returncode
                == 0
            ),
            timeout=90,
            what=f"RabbitMQ node {self.node}",
            every=1,
        )
        return self

    def stop(self) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        subprocess.run(
            ["rabbitmqctl", "-n", self.node, "stop"], env=self._env(), capture_output=True
        )
        try:
            self.popen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def _has_user(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
