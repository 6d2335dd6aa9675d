"""Start the search page under waitress, building a sample index first when there is none."""

from __future__ import annotations

import ipaddress
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from search.engine import SearchIndex

THREADS = 8
LOCAL_NAMES = ("localhost",)


def is_local(host: str) -> bool:
    """Return whether ``host`` only accepts connections from this computer."""
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def page_url(host: str, port: int) -> str:
    """Return the address to open in a browser for a server bound to ``host``."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def holds_only(sources: set[str], folder: Path) -> bool:
    """Return whether every source file lies under ``folder`` (and there is one)."""
    root = Path(folder).resolve()
    return bool(sources) and all(Path(source).resolve().is_relative_to(root) for source in sources)


def sample_index_dir(index_dir: Path) -> Path:
    """Return where the sample corpus is indexed: beside the user's index, never inside it."""
    index_dir = Path(index_dir)
    return index_dir.with_name(index_dir.name + "-sample")


def prepare_index(index_dir: Path, sample_dir: Path, echo: Callable[[str], None] = click.echo,
                  open_index: Callable[[Path], SearchIndex] | None = None) -> tuple[SearchIndex, bool]:
    """Return the index to serve, opened, and whether it holds only the samples.

    The user's own index is served when it exists. Otherwise the bundled samples are served
    from a separate index (built on first use), so that indexing one's own documents later
    does not mix them with the samples.
    """
    from search.documents import article_sources
    from search.engine import SearchIndex
    from search.errors import IndexMissing

    open_index = open_index or SearchIndex
    index_dir = Path(index_dir)
    for candidate in (index_dir, sample_index_dir(index_dir)):
        index = open_index(candidate)
        try:
            return index, holds_only(article_sources(index), sample_dir)
        except IndexMissing:
            continue
    from tqdm import tqdm

    from index.writer import update_index

    target = sample_index_dir(index_dir)
    echo(f"{index_dir} 还没有索引：先用内置示例文档（{sample_dir}）在 {target} 建立一个示例索引……")
    with tqdm(unit=" 文件", desc="索引示例文档", file=sys.stderr) as bar:
        summary = update_index(target, [sample_dir], on_file=lambda _path: bar.update(1))
    echo(f"示例索引已建立：{summary.articles} 篇文章，{summary.paragraphs} 段，用时 {summary.seconds} 秒。")
    return open_index(target), True


def run(index_dir: Path, host: str = "127.0.0.1", port: int = 8080, sample_dir: Path | None = None,
        echo: Callable[[str], None] = click.echo, engine: str = "") -> None:
    """Serve the page for ``index_dir`` (or the SphinxQL cluster ``engine``) on host:port until interrupted."""
    import waitress

    from search.engine import SearchIndex

    from . import EXTENSION, create_app

    if engine:  # a cluster is served as it is: the sample corpus is for a local first start
        app = create_app({"ENGINE": engine, "BIND_HOST": host})
        if not is_local(host):
            echo(f"警告：--host {host} 让本机以外的电脑也能访问检索页面和集群中的全部文档；只在可信的网络中这样做。")
        echo(f"检索 SphinxQL 集群 {engine}；在浏览器中打开 {page_url(host, port)}  （按 Ctrl+C 停止）")
        threading.Thread(target=app.extensions[EXTENSION].warm, name="warm-index", daemon=True).start()
        waitress.serve(app, host=host, port=port, threads=THREADS)
        return
    settings = create_app({"INDEX": str(index_dir), "ENGINE": ""}).config
    sample_dir = Path(sample_dir or settings["SAMPLE_CORPUS"])

    def open_index(folder: Path) -> SearchIndex:
        return SearchIndex(folder, max_per_page=int(settings["MAX_PER_PAGE"]),
                           max_query_length=int(settings["MAX_QUERY_LENGTH"]))

    # The index opened to look at it is the one served: it is loaded once.
    index, sample_only = prepare_index(Path(index_dir), sample_dir, echo, open_index)
    app = create_app({"INDEX": str(index.index_dir), "SAMPLE_INDEX": sample_only, "BIND_HOST": host, "ENGINE": ""},
                     search_index=index)
    if not is_local(host):
        echo(f"警告：--host {host} 让本机以外的电脑也能访问检索页面和索引中的全部文档；"
             "只在可信的网络中这样做。")
    if sample_only:
        echo(f"当前为内置示例文档。用 `unionsearch index 文件夹` 把您自己的文稿索引到 {index_dir}，"
             "之后的检索页面就只显示您的文稿。")
    echo(f"在浏览器中打开 {page_url(host, port)}  （按 Ctrl+C 停止）")
    # Open the index while the server starts listening: the first search then finds it loaded.
    threading.Thread(target=app.extensions[EXTENSION].warm, name="warm-index", daemon=True).start()
    stop = threading.Event()
    if settings["VECTORS_IN_BACKGROUND"]:
        from index.vectors import follow_index

        # Searching is lexical until the semantic vectors are there; they follow in the background.
        threading.Thread(target=follow_index, args=(index.index_dir, stop), kwargs={"echo": echo},
                         name="semantic-vectors", daemon=True).start()
    try:
        waitress.serve(app, host=host, port=port, threads=THREADS)
    finally:
        stop.set()
