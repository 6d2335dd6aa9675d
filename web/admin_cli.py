"""The subcommands of `unionsearch` that read files, build the index and serve it: inspect, index, vectors, serve."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli import _dump, _fail, engine_option, index_option, main, region_label, resolve_engine, resolve_index


@main.command()
@click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 对象，而不是摘要。")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def inspect(paths: tuple[Path, ...], as_json: bool) -> None:
    """显示从文件或文件夹中读出的文章、元数据和段落，不建立索引。"""
    from index.ingest import ingest  # deferred: reading files needs parsers searching does not

    result = ingest(paths)
    if as_json:
        _dump(result.to_dict())
        return
    for article in result.articles:
        year = article.year or "—"
        click.echo(f"{article.title} · {region_label(article)} · {year} · {len(article.paragraphs)} 段"
                   f" · 文件：{article.source}")
    for notice in result.notices:
        click.echo(f"注意: {notice}", err=True)
    if result.skipped:
        click.echo(f"\n跳过 {len(result.skipped)} 个文件:")
        for skipped in result.skipped:
            click.echo(f"  {skipped.path}: {skipped.reason}")
    paragraphs = sum(len(a.paragraphs) for a in result.articles)
    click.echo(f"\n{len(result.articles)} 篇文章, {paragraphs} 段")


@main.command("index")
@index_option
@engine_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出摘要。")
@click.option("--quiet", is_flag=True, help="不显示进度条。")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="读取文件的进程数 [默认：每个处理器核心一个，最多 4 个]。")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def index_command(paths: tuple[Path, ...], index_dir: Path | None, as_json: bool, quiet: bool,
                  jobs: int | None, engine: str | None) -> None:
    """把 PATHS 下的文稿增加、更新、删除到索引中（增量）。"""
    from index.errors import UnionSearchError
    from index.writer import update_index
    from tqdm import tqdm

    engine = resolve_engine(engine)
    target = engine or resolve_index(index_dir)
    bar = tqdm(unit=" 文件", desc="索引", disable=quiet or as_json, file=sys.stderr)
    try:
        if engine:
            from search.sphinxql.writer import update_cluster

            summary = update_cluster(engine, paths, on_file=lambda _path: bar.update(1), workers=jobs)
        else:
            summary = update_index(target, paths, on_file=lambda _path: bar.update(1), workers=jobs)
    except UnionSearchError as exc:
        _fail(exc)
    finally:
        bar.close()
    if as_json:
        _dump(summary.to_dict())
        return
    for notice in summary.notices:
        click.echo(f"注意: {notice}")
    for skipped in summary.skipped:
        click.echo(f"跳过 {skipped.path}: {skipped.reason}")
    click.echo(
        f"新增 {summary.added}，更新 {summary.updated}，删除 {summary.removed}，未变 {summary.unchanged}，"
        f"跳过 {len(summary.skipped)} 个文件；索引共 {summary.articles} 篇文章 {summary.paragraphs} 段；"
        f"用时 {summary.seconds} 秒 ({target})"
    )


@main.command()
@index_option
@click.option("--model", type=click.Choice(["e5", "use"]), default="e5", show_default=True,
              help="e5：multilingual-e5-small（效果好，约 18 段/秒）；use：USE multilingual（更快，效果较弱）。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出最终进度。")
@click.option("--quiet", is_flag=True, help="不显示进度条。")
def vectors(index_dir: Path | None, model: str, as_json: bool, quiet: bool) -> None:
    """生成语义向量：为索引中尚无向量的段落编码（可中断，再次运行从断点继续）。"""
    from index.vectors import VectorsBusy, build_vectors
    from tqdm import tqdm
    from index.snapshot import SnapshotMissing

    target = resolve_index(index_dir)
    if not (target / "unionsearch.json").exists():
        raise click.ClickException(f"{target} 还没有索引\n提示：先运行 `unionsearch index 文件夹`")
    bar = tqdm(unit=" 段", desc=f"语义向量 ({model})", disable=quiet or as_json, file=sys.stderr)

    def show(progress) -> None:
        if bar.total is None:  # the first report: what earlier runs did is not this run's speed
            bar.reset(total=progress.total)
            bar.initial = bar.n = progress.done
        bar.update(progress.done - bar.n)

    try:
        progress = build_vectors(target, model, on_progress=show)
    except VectorsBusy as exc:
        raise click.ClickException(f"{exc}\n提示：等它结束，或先停止 `unionsearch serve`") from None
    except SnapshotMissing:
        raise click.ClickException(f"{target} 还没有索引\n提示：先运行 `unionsearch index 文件夹`") from None
    except KeyboardInterrupt:
        bar.close()
        click.echo("已中断：已完成的向量都已保存，再次运行 `unionsearch vectors` 从断点继续。", err=True)
        sys.exit(130)
    finally:
        bar.close()
    if as_json:
        _dump(progress.to_dict())
        return
    click.echo(f"语义向量（{model}）：{progress.done}/{progress.total} 段已完成，本次编码 {progress.encoded} 段，"
               f"用时 {progress.seconds} 秒 ({target})")


@main.command()
@index_option
@engine_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；127.0.0.1/localhost 以外的地址会让网络上的其他电脑也能访问检索页面。")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="监听端口。")
def serve(index_dir: Path | None, host: str, port: int, engine: str | None) -> None:
    """打开检索页面（waitress）；还没有索引时，先为内置示例文档建立索引。"""
    from index.errors import UnionSearchError

    from .serve import run

    try:
        engine = resolve_engine(engine)
        run(resolve_index(index_dir), host=host, port=port, **({"engine": engine} if engine else {}))
    except UnionSearchError as exc:
        _fail(exc)
    except OSError as exc:  # port in use, no permission to bind
        raise click.ClickException(f"无法在 {host}:{port} 启动服务：{exc.strerror or exc}") from None
