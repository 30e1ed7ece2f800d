"""Real nginx on a free loopback port, running the project's own site file (deploy/nginx).

The site file is rendered, not rewritten: each line the tests replace (listen address,
upstream ports, static path, logs, server name) must be in it exactly once, so the file an
operator installs and the file the tests run cannot drift apart unnoticed."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.server import ROOT, free_port

SITE = ROOT / "deploy" / "nginx" / "linli.conf"
STATIC = ROOT / "web" / "static"
MIME_TYPES = Path("/etc/nginx/mime.types")
TEMP_DIRS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
UPSTREAM_LINE = re.compile(r"^    server 127\.0\.0\.1:(\d+) (.*);$", re.MULTILINE)
UPSTREAM_BLOCK = re.compile(r"(?:^    server 127\.0\.0\.1:\d+ .*;\n)+", re.MULTILINE)


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                      else None)
    if found is None:
        pytest.fail("nginx is not installed: `make test` installs it (make nginx)")
    return found


def replace_once(text: str, old: str, new: str) -> str:
    count = text.count(old)
    assert count == 1, f"deploy/nginx/linli.conf must contain {old!r} once, found {count}"
    return text.replace(old, new)


def tls_lines(text: str, port: int, cert: Path, key: Path) -> str:
    """The TLS directives the site file's comment tells the operator to use, uncommented,
    on this port with this certificate."""
    start = text.index("replace the two listen lines above with\n")
    lines = []
    for line in text[start:].splitlines()[1:]:
        if not line.startswith("    #     "):
            break
        lines.append("    " + line.removeprefix("    #     "))
    block = "\n".join(lines) + "\n"
    block = replace_once(block, "    listen 443 ssl http2;\n",
                         f"    listen 127.0.0.1:{port} ssl http2;\n")
    block = replace_once(block, "    listen [::]:443 ssl http2;\n", "")
    block = replace_once(block, "/etc/letsencrypt/live/linli.example.cn/fullchain.pem", str(cert))
    return replace_once(block, "/etc/letsencrypt/live/linli.example.cn/privkey.pem", str(key))


def render_site(workdir: Path, port: int, backends: list[int], sticky: bool = True,
                tls: tuple[Path, Path] | None = None) -> str:
    """The site file for this host: nginx on 127.0.0.1:`port` in front of `backends`.
    `sticky` False drops the hash line (round robin), to show what it is for; `tls` (a
    certificate and its key) serves HTTPS as the file's TLS note says."""
    text = SITE.read_text()
    listen = tls_lines(text, port, *tls) if tls else f"    listen 127.0.0.1:{port};\n"
    text = replace_once(text, "    listen 80;\n    listen [::]:80;\n", listen)
    text = replace_once(text, "\n    server_name linli.example.cn;\n",
                        "\n    server_name 127.0.0.1;\n")
    text = replace_once(text, "alias /opt/linli/static/;", f"alias {STATIC}/;")
    text = replace_once(text, "/var/log/nginx/linli.access.log", str(workdir / "access.log"))
    text = replace_once(text, "/var/log/nginx/linli.error.log", str(workdir / "error.log"))
    lines = UPSTREAM_LINE.findall(text)
    assert lines, "deploy/nginx/linli.conf must list its processes as `server 127.0.0.1:PORT`"
    options = {option for _, option in lines}
    assert len(options) == 1, "every upstream server line should read the same"
    option = options.pop()
    servers = "".join(f"    server 127.0.0.1:{backend} {option};\n" for backend in backends)
    text, blocks = UPSTREAM_BLOCK.subn(servers, text)
    assert blocks == 1, "the upstream server lines should stand together"
    if not sticky:
        text = replace_once(text, "    hash $remote_addr consistent;\n", "")
    return text


def render_main(workdir: Path, site: Path) -> str:
    """A whole nginx.conf of the test's own: pid, logs and temp files in `workdir`, so it runs
    as any user. As root, workers stay root too: an unprivileged worker could not read the
    test's private temporary directory."""
    temp = "".join(f"    {name}_temp_path {workdir / name};\n" for name in TEMP_DIRS)
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (f"{user}worker_processes 1;\npid {workdir / 'nginx.pid'};\n"
            f"error_log {workdir / 'error.log'} info;\n"
            "events { worker_connections 512; }\n"
            "http {\n"
            f"    include {MIME_TYPES};\n"
            "    default_type application/octet-stream;\n"
            f"    access_log {workdir / 'main-access.log'};\n"
            f"{temp}"
            f"    include {site};\n"
            "}\n")


@dataclass
class Nginx:
    workdir: Path
    port: int
    scheme: str = "http"
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    @property
    def conf(self) -> Path:
        return self.workdir / "nginx.conf"

    def command(self, *extra: str) -> list[str]:
        return [nginx_binary(), "-p", str(self.workdir), "-c", str(self.conf),
                "-e", str(self.workdir / "error.log"), *extra]

    def check(self) -> subprocess.CompletedProcess[str]:
        """`nginx -t` on the rendered configuration."""
        return subprocess.run(self.command("-t"), capture_output=True, text=True, timeout=30)

    def start(self, timeout: float = 10) -> Nginx:
        checked = self.check()
        assert checked.returncode == 0, checked.stderr
        self.proc = subprocess.Popen(self.command("-g", "daemon off;"),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.error_log()[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"nginx did not listen: {self.error_log()[-3000:]}")

    def stop(self, sig: int = signal.SIGQUIT) -> None:
        """SIGQUIT waits for requests in flight (a held long-polling GET: up to 45 s);
        SIGTERM does not."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def error_log(self) -> str:
        path = self.workdir / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def access_log(self) -> list[str]:
        path = self.workdir / "access.log"
        return path.read_text().splitlines() if path.exists() else []


def nginx_in_front(workdir: Path, backends: list[int], sticky: bool = True,
                   tls: tuple[Path, Path] | None = None) -> Nginx:
    """Render the site for `backends` into `workdir` and start nginx on a free port."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    site = workdir / "linli.conf"
    site.write_text(render_site(workdir, port, backends, sticky, tls))
    server = Nginx(workdir, port, scheme="https" if tls else "http")
    server.conf.write_text(render_main(workdir, site))
    return server.start()


def self_signed(workdir: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made by openssl."""
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key
