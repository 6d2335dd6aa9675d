"""Talking SphinxQL to the nodes of a cluster (pymysql), one connection per node and thread."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import pymysql
from pymysql.constants import CLIENT
from pymysql.converters import escape_string

from ..backend import ENGINE_SCHEME, is_engine_url
from ..errors import SearchError

CONNECT_TIMEOUT = 2
READ_TIMEOUT = 60
PARTIAL_NOTICE = "部分分片不可用：结果只来自仍可访问的分片，数量可能偏少。"


class ClusterUnavailable(SearchError):
    """A node of the SphinxQL cluster cannot be reached (or refused a statement)."""

    status = 503


@dataclass(frozen=True)
class Node:
    """One searchd node's SphinxQL address."""

    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


def parse_url(url: str) -> list[Node]:
    """Return the nodes of ``sphinxql://host:port[,host:port…]``, node k holding shard k."""
    if not is_engine_url(url):
        raise SearchError(f"不是 SphinxQL 集群地址：{url!r}，应写成 sphinxql://主机:端口[,主机:端口…]",
                          hint="例如 sphinxql://127.0.0.1:9306,127.0.0.1:9307")
    nodes = []
    for part in url[len(ENGINE_SCHEME):].strip("/").split(","):
        parsed = urlsplit("//" + part.strip())
        try:
            port = parsed.port
        except ValueError:
            port = None
        if not parsed.hostname or not port:
            raise SearchError(f"集群地址中的节点 {part!r} 写法有误，应写成 主机:端口",
                              hint="例如 sphinxql://127.0.0.1:9306,127.0.0.1:9307（第 k 个节点持有分片 k）")
        nodes.append(Node(parsed.hostname, port))
    return nodes


def quote(value: str) -> str:
    """Return a SphinxQL string literal."""
    return "'" + escape_string(str(value)) + "'"


class Cluster:
    """The nodes named by an engine address; statements go to one node and come back as result sets."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.nodes = parse_url(url)
        self._local = threading.local()

    def _connect(self, number: int) -> pymysql.connections.Connection:
        cache = self._local.__dict__.setdefault("connections", {})
        connection = cache.get(number)
        if connection is None:
            node = self.nodes[number]
            connection = pymysql.connect(host=node.host, port=node.port, charset="utf8mb4", autocommit=True,
                                         connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT,
                                         write_timeout=READ_TIMEOUT, client_flag=CLIENT.MULTI_STATEMENTS)
            cache[number] = connection
        return connection

    def _drop(self, number: int) -> None:
        connection = self._local.__dict__.get("connections", {}).pop(number, None)
        if connection is not None:
            try:
                connection.close()
            except Exception:  # noqa: BLE001 - it is being thrown away because it broke
                pass

    def execute(self, number: int, sql: str) -> list[list[tuple]]:
        """Run one statement (or several separated by ';') on node ``number``; return every result set."""
        for attempt in range(2):
            try:
                with self._connect(number).cursor() as cursor:
                    cursor.execute(sql)
                    results = [list(cursor.fetchall())]
                    while cursor.nextset():
                        results.append(list(cursor.fetchall()))
                    return results
            except pymysql.err.OperationalError as exc:
                self._drop(number)
                # A connection cached from before the node restarted fails once: connect again.
                if attempt == 0 and exc.args and exc.args[0] in (0, 2006, 2013, 2014):
                    continue
                raise self.unavailable(number, exc) from None
            except (pymysql.err.InterfaceError, ConnectionError, OSError) as exc:
                self._drop(number)
                if attempt == 0:
                    continue
                raise self.unavailable(number, exc) from None
            except pymysql.err.MySQLError as exc:
                raise SearchError(f"SphinxQL 集群拒绝了请求：{_reason(exc)}",
                                  hint="检查集群的配置是否由 unionsearch 生成（字段、索引名）") from None
        raise AssertionError("unreachable")

    def unavailable(self, number: int, exc: BaseException) -> ClusterUnavailable:
        """Return the error that says node ``number`` cannot be reached."""
        return ClusterUnavailable(f"分片 {number}（{self.nodes[number]}）不可用：{_reason(exc)}",
                                  hint="请确认该节点的 searchd 正在运行、地址和端口无误，然后重试")

    def close(self) -> None:
        """Close this thread's connections."""
        for number in list(self._local.__dict__.get("connections", {})):
            self._drop(number)


def _reason(exc: BaseException) -> str:
    args = getattr(exc, "args", ())
    text = str(args[-1] if args else exc).strip("\x00 ")
    return text or type(exc).__name__
