"""Local searchd nodes in a folder, for tests and benchmarks: configure, start, stop by pid."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .config import NodeAddress, node_config

SEARCHD = "searchd"
START_SECONDS = 15.0


def searchd_path() -> str | None:
    """Return the searchd executable, or None when Sphinx is not installed."""
    return shutil.which(SEARCHD)


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """Return ``count`` distinct ports that are free now (the kernel picks them among high ports)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind((host, 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def _alive(pid: int) -> bool:
    """Tell whether a process runs (a zombie waiting for its parent does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@dataclass
class LocalCluster:
    """``len(nodes)`` searchd processes on this machine, node k's files in ``folder/node<k>``."""

    folder: Path
    nodes: list[NodeAddress]

    @property
    def url(self) -> str:
        """Return the engine address naming every node (``sphinxql://host:port,host:port``)."""
        return "sphinxql://" + ",".join(f"{n.host}:{n.sql_port}" for n in self.nodes)

    def node_folder(self, number: int) -> Path:
        """Return the data folder of node ``number``."""
        return self.folder / f"node{number}"

    def config_path(self, number: int) -> Path:
        """Return the config file of node ``number``."""
        return self.node_folder(number) / "searchd.conf"

    def pid(self, number: int) -> int | None:
        """Return the pid of node ``number`` when it runs."""
        try:
            pid = int((self.node_folder(number) / "searchd.pid").read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if _alive(pid) else None

    def start(self, number: int) -> None:
        """Start node ``number`` and wait until it answers SphinxQL."""
        self.save()
        folder = self.node_folder(number)
        folder.mkdir(parents=True, exist_ok=True)
        self.config_path(number).write_text(node_config(number, self.nodes, folder), encoding="utf-8")
        subprocess.run([searchd_path() or SEARCHD, "--config", str(self.config_path(number))],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        node = self.nodes[number]
        deadline = time.monotonic() + START_SECONDS
        while not _answers(node.host, node.sql_port):
            if time.monotonic() > deadline:
                raise RuntimeError(f"searchd node {number} did not start; see {folder / 'searchd.log'}")
            time.sleep(0.05)

    def stop(self, number: int) -> None:
        """Stop node ``number`` by its pid and wait until it has exited."""
        pid = self.pid(number)
        if pid is None:
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + START_SECONDS
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)

    def save(self) -> None:
        """Write the node addresses to ``folder/cluster.json``, for another process to load."""
        import json

        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "cluster.json").write_text(json.dumps([n.__dict__ for n in self.nodes]), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LocalCluster:
        """Return the cluster saved in ``folder``."""
        import json

        nodes = [NodeAddress(**n) for n in json.loads((Path(folder) / "cluster.json").read_text(encoding="utf-8"))]
        return cls(Path(folder), nodes)

    def start_all(self) -> None:
        """Start every node."""
        for number in range(len(self.nodes)):
            self.start(number)

    def stop_all(self) -> None:
        """Stop every node that runs."""
        for number in range(len(self.nodes)):
            self.stop(number)

    def memory_kb(self) -> int:
        """Return the resident memory of the running nodes together, in KiB."""
        total = 0
        for number in range(len(self.nodes)):
            pid = self.pid(number)
            if pid is None:
                continue
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        return total


def local_cluster(folder: Path, shards: int = 2, host: str = "127.0.0.1") -> LocalCluster:
    """Return a cluster of ``shards`` nodes on free ports, configured in ``folder`` (not started)."""
    ports = free_ports(2 * shards, host)
    nodes = [NodeAddress(host, ports[2 * k], ports[2 * k + 1]) for k in range(shards)]
    return LocalCluster(Path(folder), nodes)
