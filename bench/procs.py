"""Start a server under test as a subprocess on a free loopback port, and stop it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import psutil

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class Server:
    """One server process; `ready_path` is polled over HTTP until it answers."""

    def __init__(self, argv: list[str], port: int, env: dict[str, str], log_path: Path,
                 ready_path: str) -> None:
        self.port = port
        self.url = f"http://{HOST}:{port}"
        self._ready = self.url + ready_path
        self._log_path = log_path
        log = log_path.open("ab")
        self.proc = subprocess.Popen(argv, env={**os.environ, **env}, stdout=log,
                                     stderr=subprocess.STDOUT)
        log.close()
        self.ps = psutil.Process(self.proc.pid)

    def wait_ready(self, timeout: float = 60) -> Server:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self._ready, timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not start in {timeout} s:\n{self.log_tail()}")

    def rss(self) -> int:
        return int(self.ps.memory_info().rss)

    def cpu_seconds(self) -> float:
        t = self.ps.cpu_times()
        return float(t.user + t.system)

    def log_tail(self) -> str:
        return self._log_path.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
