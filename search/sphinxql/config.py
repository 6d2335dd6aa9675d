"""searchd configuration of a cluster node: its shard's RT index, the files index, the distributed index.

A cluster is a list of nodes, each named by its SphinxQL address. Node k holds the RT index
``shard<k>``; every node also has the distributed index ``paragraphs`` over all shards (its own
shard locally, the others as agents on their binary-protocol ports), so searches can go to any
node. The first node also holds ``files``: the content hash of every indexed file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index.fields import FIELDS, THEME_FIELDS, YEAR_FIELDS

from .encoding import CHARSET_TABLE, NGRAM_CHARS

SEARCH_INDEX = "paragraphs"
FILES_INDEX = "files"
STAMP_ID = 1  # the files index's row that changes with every write: searchers reload on it
# The registry's fields (index/fields.py) as columns: strings (places, codes), years, themes (several values).
STRING_FACETS = tuple(f.key for f in FIELDS if f.kind in ("place", "coded"))
YEAR_COLUMNS = tuple(f.key for f in YEAR_FIELDS)
MULTI_FIELDS = tuple(f.key for f in THEME_FIELDS)
STRING_FIELDS = ("pid", "article_id", "title", "source", "unit", "organization", "section", "text", "record")
BIGINT_FIELDS = ("source_id", "file_hash")
UINT_FIELDS = (*YEAR_COLUMNS, "position", "ordinal")  # ordinal: the article's place in its file
# Every column a hit needs, in the order of SELECT and INSERT.
COLUMNS = ("body", *STRING_FACETS, *STRING_FIELDS, *BIGINT_FIELDS, *UINT_FIELDS, *MULTI_FIELDS)


def shard_name(number: int) -> str:
    """Return the RT index name of shard ``number``."""
    return f"shard{number}"


def shard_index(name: str, folder: Path, mem_limit: str = "256M") -> str:
    """Return the config block of one shard's RT index."""
    lines = [f"index {name}", "{", "    type = rt", f"    path = {folder / name}", "    rt_field = body"]
    lines += [f"    rt_attr_string = {column}" for column in (*STRING_FACETS, *STRING_FIELDS)]
    lines += [f"    rt_attr_bigint = {column}" for column in BIGINT_FIELDS]
    lines += [f"    rt_attr_uint = {column}" for column in UINT_FIELDS]
    lines += [f"    rt_attr_multi = {column}" for column in MULTI_FIELDS]
    lines += [f"    rt_mem_limit = {mem_limit}",
              "    ngram_len = 1", f"    ngram_chars = {NGRAM_CHARS}", f"    charset_table = {CHARSET_TABLE}",
              "    dict = keywords", "}"]
    return "\n".join(lines)


def files_index(folder: Path) -> str:
    """Return the config block of the index of indexed files (source, content hash)."""
    return "\n".join(["index files", "{", "    type = rt", f"    path = {folder / FILES_INDEX}",
                      "    rt_field = name", "    rt_attr_string = source", "    rt_attr_string = digest", "}"])


@dataclass(frozen=True)
class NodeAddress:
    """Where one node listens: SphinxQL (mysql41) and the binary protocol agents use."""

    host: str
    sql_port: int
    api_port: int


def node_config(number: int, nodes: list[NodeAddress], folder: Path) -> str:
    """Return the whole searchd config of node ``number`` of ``nodes``, its data in ``folder``."""
    me = nodes[number]
    blocks = [shard_index(shard_name(number), folder)]
    if number == 0:
        blocks.append(files_index(folder))
    agents = [f"    agent = {n.host}:{n.api_port}:{shard_name(k)}" for k, n in enumerate(nodes) if k != number]
    blocks.append("\n".join([f"index {SEARCH_INDEX}", "{", "    type = distributed",
                             f"    local = {shard_name(number)}", *agents,
                             # A node that is down must cost a search little: its shard is reported missing.
                             "    agent_connect_timeout = 500", "    agent_query_timeout = 20000", "}"]))
    blocks.append("\n".join([
        "searchd", "{",
        f"    listen = {me.host}:{me.sql_port}:mysql41",
        f"    listen = {me.host}:{me.api_port}",
        f"    log = {folder / 'searchd.log'}",
        f"    query_log = {folder / 'query.log'}",
        f"    pid_file = {folder / 'searchd.pid'}",
        f"    binlog_path = {folder}",
        "    workers = threads",
        "    watchdog = 0",  # the pid in pid_file is then the one process to stop
        "    max_packet_size = 32M",
        "    read_timeout = 5",
        "}",
    ]))
    return "\n\n".join(blocks) + "\n"
