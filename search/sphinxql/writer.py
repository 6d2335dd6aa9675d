"""`unionsearch index --engine sphinxql://…`: the same records, written into the cluster's shards.

Incremental like the local index: the files index on the first node keeps every file's content
hash; unchanged files are not read again. Paragraphs go to the shard of their article id.
Files are written in batches: new rows first (REPLACE, so doing it again is harmless), then
the file's stale rows are deleted, then its hash is recorded. A node that fails stops the
run; files whose hash was not yet recorded are read and written again by the next run, and
a file's previous version is only deleted once its new one is in.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from index.ingest import Ingested, Unchanged, iter_ingest, source_key
from index.model import Article, Skipped
from index.writer import IndexSummary, default_workers, records_digest, source_under

from .config import COLUMNS, FILES_INDEX, STAMP_ID, shard_name
from .connection import Cluster, ClusterUnavailable, quote
from .rows import digest_id, paragraph_row, shard_of, source_id

BATCH_ROWS = 2000  # paragraphs written between two recordings of file hashes
INSERT_ROWS = 500  # rows in one REPLACE statement
PAGE = 10_000


def select_all(cluster: Cluster, number: int, index: str, columns: str, where: str = "") -> list[tuple]:
    """Return every row of ``index`` on node ``number`` matching ``where``, paging by id (id first)."""
    rows: list[tuple] = []
    last = 0
    while True:
        condition = f"id > {last}" + (f" AND {where}" if where else "")
        page = cluster.execute(number, f"SELECT id, {columns} FROM {index} WHERE {condition} "
                                       f"ORDER BY id ASC LIMIT {PAGE} OPTION max_matches={PAGE}")[0]
        rows.extend(page)
        if len(page) < PAGE:
            return rows
        last = page[-1][0]


def check_cluster(cluster: Cluster) -> None:
    """Raise ClusterUnavailable unless every node answers and holds its shard (the first also the files)."""
    for number in range(len(cluster.nodes)):
        tables = {row[0] for row in cluster.execute(number, "SHOW TABLES")[0]}
        wanted = {shard_name(number)} | ({FILES_INDEX} if number == 0 else set())
        if not wanted <= tables:
            raise ClusterUnavailable(f"节点 {number}（{cluster.nodes[number]}）上没有索引 {'、'.join(sorted(wanted - tables))}",
                                     hint="集群地址中第 k 个节点须持有 shard<k>，第一个节点还须持有 files；"
                                          "配置见 search/sphinxql/config.py")


def indexed_files(cluster: Cluster) -> dict[str, str]:
    """Return {source path: content hash} of every file the cluster holds."""
    return {source: digest for _, source, digest in select_all(cluster, 0, FILES_INDEX, "source, digest",
                                                                 f"id != {STAMP_ID}")}


def count_cluster(cluster: Cluster) -> tuple[int, int]:
    """Return (articles, paragraphs) over every shard."""
    articles = paragraphs = 0
    for number in range(len(cluster.nodes)):
        name = shard_name(number)
        paragraphs += int(cluster.execute(number, f"SELECT COUNT(*) FROM {name}")[0][0][0] or 0)
        articles += int(cluster.execute(number, f"SELECT COUNT(*) FROM {name} WHERE position = 0")[0][0][0] or 0)
    return articles, paragraphs


class _Batch:
    """Rows and file hashes waiting to be written together."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.rows: list[list[str]] = [[] for _ in cluster.nodes]
        self.files: dict[str, str] = {}  # source → content hash written in this batch
        self.size = 0

    def add(self, item: Ingested) -> None:
        self.add_articles(source_key(item.path), item.document.content_hash, item.articles)

    def add_articles(self, source: str, digest: str, articles: list[Article]) -> None:
        for ordinal, article in enumerate(articles):
            article.source = source
            shard = shard_of(article.id, len(self.cluster.nodes))
            for position, paragraph in enumerate(article.paragraphs):
                self.rows[shard].append(paragraph_row(article, paragraph, position, digest, ordinal)[1])
                self.size += 1
        self.files[source] = digest

    def write(self) -> None:
        if not self.files:
            return
        columns = "id, " + ", ".join(COLUMNS)
        for number, rows in enumerate(self.rows):
            for start in range(0, len(rows), INSERT_ROWS):
                self.cluster.execute(number, f"REPLACE INTO {shard_name(number)} ({columns}) VALUES "
                                             + ",".join(rows[start:start + INSERT_ROWS]))
        # The new rows are in: the older versions of these files can go.
        wanted = {source_id(s): digest_id(d) for s, d in self.files.items()}
        delete_rows(self.cluster, wanted)
        record_files(self.cluster, self.files)
        self.rows = [[] for _ in self.cluster.nodes]
        self.files = {}
        self.size = 0


def delete_rows(cluster: Cluster, keep: dict[int, int | None]) -> None:
    """Delete the rows of these sources (source id → the content hash to keep, None for none) on every shard."""
    if not keep:
        return
    ids = ",".join(map(str, keep))
    for number in range(len(cluster.nodes)):
        rows = select_all(cluster, number, shard_name(number), "source_id, file_hash", f"source_id IN ({ids})")
        stale = [row[0] for row in rows if keep.get(row[1]) != row[2]]
        for start in range(0, len(stale), PAGE):
            chunk = ",".join(map(str, stale[start:start + PAGE]))
            cluster.execute(number, f"DELETE FROM {shard_name(number)} WHERE id IN ({chunk})")


def record_files(cluster: Cluster, files: dict[str, str]) -> None:
    """Record the content hash of written files, and move the stamp searchers reload on."""
    values = [f"({source_id(s)}, '', {quote(s)}, {quote(d)})" for s, d in files.items()]
    values.append(f"({STAMP_ID}, '', '', {quote(str(time.time_ns()))})")
    for start in range(0, len(values), INSERT_ROWS):
        cluster.execute(0, f"REPLACE INTO {FILES_INDEX} (id, name, source, digest) VALUES "
                           + ",".join(values[start:start + INSERT_ROWS]))


def forget_files(cluster: Cluster, sources: list[str]) -> None:
    """Delete every row of these sources, then their hashes."""
    ids = [source_id(s) for s in sources]
    for start in range(0, len(ids), PAGE):
        chunk = ids[start:start + PAGE]
        delete_rows(cluster, {i: None for i in chunk})
        cluster.execute(0, f"DELETE FROM {FILES_INDEX} WHERE id IN ({','.join(map(str, chunk))})")
    record_files(cluster, {})


def write_cluster_records(url: str, articles: Iterable[Article]) -> IndexSummary:
    """Write articles given as records, without files: a source's articles replace what it held (as index.writer.write_records)."""
    started = time.perf_counter()
    cluster = Cluster(url)
    summary = IndexSummary()
    try:
        check_cluster(cluster)
        known = indexed_files(cluster)
        by_source: dict[str, list[Article]] = {}
        for article in articles:
            by_source.setdefault(article.source, []).append(article)
        batch = _Batch(cluster)
        for source, group in by_source.items():
            batch.add_articles(source, records_digest(group), group)
            if source in known:
                summary.updated += 1
            else:
                summary.added += 1
        batch.write()
        for number in range(len(cluster.nodes)):
            cluster.execute(number, f"FLUSH RTINDEX {shard_name(number)}")
        summary.articles, summary.paragraphs = count_cluster(cluster)
    finally:
        cluster.close()
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary


def update_cluster(url: str, paths: Iterable[Path], on_file: Callable[[Path], None] | None = None,
                   workers: int | None = None) -> IndexSummary:
    """Bring the cluster in line with the files under ``paths``: add, update and remove (the local index's summary)."""
    started = time.perf_counter()
    paths = list(paths)
    cluster = Cluster(url)
    summary = IndexSummary()
    try:
        check_cluster(cluster)
        known = indexed_files(cluster)
        roots = [source_key(p) for p in paths]
        seen: set[str] = set()
        batch = _Batch(cluster)
        for item in iter_ingest(paths, known=known, on_file=on_file, workers=workers or default_workers()):
            if isinstance(item, Skipped):
                summary.skipped.append(item)
                seen.add(source_key(Path(item.path)))  # an unreadable file keeps its last good version
                continue
            source = source_key(item.path)
            seen.add(source)
            if isinstance(item, Unchanged):
                summary.unchanged += 1
                continue
            batch.add(item)
            summary.notices.extend(item.notices)
            if source in known:
                summary.updated += 1
            else:
                summary.added += 1
            if batch.size >= BATCH_ROWS:
                batch.write()
        batch.write()
        gone = [source for source in known if source not in seen and source_under(source, roots)]
        if gone:
            forget_files(cluster, gone)
            summary.removed = len(gone)
        for number in range(len(cluster.nodes)):
            cluster.execute(number, f"FLUSH RTINDEX {shard_name(number)}")
        summary.articles, summary.paragraphs = count_cluster(cluster)
    except ClusterUnavailable as exc:
        raise ClusterUnavailable(f"{exc.message}。索引已停止：已写完的文件都已保存，其余文件（包括要删除的旧版本）"
                                 "原样保留，下次运行时再写入", hint=exc.hint) from None
    finally:
        cluster.close()
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary
