"""The `unionsearch` command: one Click group; each subcommand parses, calls the library, prints."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from index.model import Article

from .settings import default_engine, default_index_dir


def _dump(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def region_label(article: Article | dict) -> str:
    """Return "省 市 县" for display, or a dash when the region is unknown."""
    get = article.get if isinstance(article, dict) else lambda k: getattr(article, k)
    parts = [get(k) for k in ("province", "city", "county") if get(k)]
    return " ".join(parts) or (get("unit") or "—")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="unionsearch")
def main() -> None:
    """工会文稿检索 UnionSearch: index and search Chinese trade-union documents."""


def index_option(func):
    """Add the shared --index option (default: UNIONSEARCH_INDEX or the per-user data folder)."""
    return click.option(
        "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
        default=None, help="Index folder [default: $UNIONSEARCH_INDEX or the per-user data folder].",
    )(func)


def engine_option(func):
    """Add the shared --engine option: a SphinxQL cluster used instead of the index folder."""
    return click.option(
        "--engine", default=None, metavar="sphinxql://HOST:PORT[,HOST:PORT…]",
        help="SphinxQL cluster (one node per shard) instead of the index folder [default: $UNIONSEARCH_ENGINE].",
    )(func)


def resolve_engine(engine: str | None) -> str:
    """Return the cluster address asked for (option, else UNIONSEARCH_ENGINE), "" for the local index."""
    from search.backend import is_engine_url

    engine = engine if engine is not None else default_engine()
    if engine and not is_engine_url(engine):
        raise click.BadParameter(f"{engine!r} 不是 SphinxQL 集群地址，应写成 sphinxql://主机:端口[,主机:端口…]",
                                 param_hint="--engine")
    return engine


def resolve_index(index_dir: Path | None) -> Path:
    """Return the index folder the user asked for, or the default one."""
    return index_dir or default_index_dir()


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a summary.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def inspect(paths: tuple[Path, ...], as_json: bool) -> None:
    """Show what ingest extracts from files or folders, without indexing."""
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


def _fail(error: Exception) -> None:
    """Print a library error with its hint and exit non-zero."""
    message = getattr(error, "message", str(error))
    hint = getattr(error, "hint", None)
    raise click.ClickException(f"{message}" + (f"\n提示: {hint}" if hint else ""))


@main.command("index")
@index_option
@engine_option
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Processes reading files [default: one per core, at most 4].")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def index_command(paths: tuple[Path, ...], index_dir: Path | None, as_json: bool, quiet: bool,
                  jobs: int | None, engine: str | None) -> None:
    """Add, update and remove documents under PATHS in the index (incremental)."""
    from index.folder import IndexBusy, IndexFormatError
    from index.writer import update_index
    from search.errors import SearchError
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
    except (IndexBusy, IndexFormatError, SearchError) as exc:
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


def _call(func, *args, **kwargs):
    """Call a library function; a SearchError becomes the command's error message with its hint."""
    from search.errors import SearchError

    try:
        return func(*args, **kwargs)
    except SearchError as exc:
        _fail(exc)


def _open_index(index_dir: Path | None, engine: str | None = None):
    from search.backend import open_search_index

    return open_search_index(resolve_engine(engine) or resolve_index(index_dir))


def parse_filter_options(options: tuple[str, ...]) -> dict[str, list[str]]:
    """Turn repeated -f FIELD=VALUE options into a filter dict."""
    filters: dict[str, list[str]] = {}
    for option in options:
        name, sep, value = option.partition("=")
        if not sep or not value.strip():
            raise click.BadParameter(f"{option!r} is not FIELD=VALUE", param_hint="-f")
        filters.setdefault(name.strip(), []).append(value.strip())
    return filters


def _highlight_terminal(snippet_html: str, colour: bool) -> str:
    import html as html_lib

    text = snippet_html.replace("<mark>", "\x00").replace("</mark>", "\x01")
    text = html_lib.unescape(text)
    on, off = ("\x1b[1;33m", "\x1b[0m") if colour else ("【", "】")
    return text.replace("\x00", on).replace("\x01", off)


@main.command()
@index_option
@engine_option
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("-f", "--filter", "filters", multiple=True, metavar="FIELD=VALUE",
              help="Filter by facet (province, city, county, year, theme, level, doc_type, kind); repeat for OR.")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance", show_default=True)
@click.option("--page", type=click.IntRange(1, 100_000), default=1, show_default=True)
@click.option("--per-page", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--no-synonyms", is_flag=True, help="Do not expand synonyms and abbreviations.")
@click.option("--strict", is_flag=True, help="只要包含全部检索词的段落（关闭软匹配与长词拆分）。")
@click.option("--group", is_flag=True, help="按文档归并：每篇文章只列最相关的一段，并给出命中段数。")
@click.option("--related", is_flag=True, help="用相关词辅助排序（权重很低）。")
@click.option("--semantic/--no-semantic", default=None,
              help="语义检索：与意思相近的段落融合排序（需先运行 `unionsearch vectors`）[default: $UNIONSEARCH_SEMANTIC].")
@click.argument("query", nargs=-1)
def search(query: tuple[str, ...], index_dir: Path | None, as_json: bool, filters: tuple[str, ...],
           sort: str, page: int, per_page: int, no_synonyms: bool, strict: bool, group: bool,
           related: bool, semantic: bool | None, engine: str | None) -> None:
    """Search paragraphs; QUERY uses the query language (see README)."""
    from search.engine import SearchRequest

    from .settings import defaults, from_environment

    if semantic is None:
        semantic = bool({**defaults(), **from_environment()}["SEMANTIC"])
    request = SearchRequest(q=" ".join(query), filters=parse_filter_options(filters), sort=sort,
                            page=page, per_page=per_page, synonyms=not no_synonyms, soft=not strict,
                            group=group, related=related, semantic=semantic)
    result = _call(lambda: _open_index(index_dir, engine).search(request))
    if as_json:
        _dump(result)
        return
    colour = sys.stdout.isatty()
    summary = f"共 {result['total']} 段"
    if result["total_all_terms"] != result["total"]:
        summary += f"，其中 {result['total_all_terms']} 段包含全部检索词"
    if result["group"]:
        summary += f"，归并为 {result['total_articles']} 篇文章"
    click.echo(f"{summary}（第 {page} 页）")
    for notice in result["notices"]:
        click.echo(f"注意: {notice}")
    if result["related"]:
        click.echo(f"相关词: {'、'.join(result['related'])}")
    for n, hit in enumerate(result["hits"], start=(page - 1) * per_page + 1):
        count = f" · 本文共 {hit['article_hits']} 段命中" if "article_hits" in hit else ""
        click.echo(f"\n{n}. 《{hit['title']}》 · {region_label(hit)} · {hit['year'] or '—'} · {hit['section'] or ''}{count}")
        lacking = [term for term in hit["missing"] if term not in hit["split"]]
        if lacking or hit["split"]:
            parts = ([f"缺少：{'、'.join(lacking)}"] if lacking else []) + (
                [f"拆开出现：{'、'.join(hit['split'])}"] if hit["split"] else [])
            click.echo("   （" + "；".join(parts) + "）")
        click.echo("   " + _highlight_terminal(hit["snippet"], colour))


@main.command()
@index_option
@click.option("--model", type=click.Choice(["e5", "use"]), default="e5", show_default=True,
              help="e5: multilingual-e5-small (better, ~18 段/秒); use: USE multilingual (faster, weaker).")
@click.option("--json", "as_json", is_flag=True, help="Print the final progress as JSON.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def vectors(index_dir: Path | None, model: str, as_json: bool, quiet: bool) -> None:
    """生成语义向量：为索引中尚无向量的段落编码（可中断，再次运行从断点继续）。"""
    from index.vectors import VectorsBusy, build_vectors
    from tqdm import tqdm
    from whoosh.index import EmptyIndexError

    target = resolve_index(index_dir)
    if not (target / "unionsearch.json").exists():
        raise click.ClickException(f"{target} 还没有索引\n提示: 先运行 `unionsearch index 文件夹`")
    bar = tqdm(unit=" 段", desc=f"语义向量 ({model})", disable=quiet or as_json, file=sys.stderr)

    def show(progress) -> None:
        if bar.total is None:  # the first report: what earlier runs did is not this run's speed
            bar.reset(total=progress.total)
            bar.initial = bar.n = progress.done
        bar.update(progress.done - bar.n)

    try:
        progress = build_vectors(target, model, on_progress=show)
    except VectorsBusy as exc:
        raise click.ClickException(f"{exc}\n提示: 等它结束，或先停止 `unionsearch serve`") from None
    except EmptyIndexError:
        raise click.ClickException(f"{target} 还没有索引\n提示: 先运行 `unionsearch index 文件夹`") from None
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
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def docs(index_dir: Path | None, as_json: bool, engine: str | None) -> None:
    """List the indexed articles."""
    from search.documents import list_articles

    articles = _call(lambda: list_articles(_open_index(index_dir, engine)))
    if as_json:
        _dump(articles)
        return
    for article in articles:
        click.echo(f"{article['title']} · {region_label(article)} · {article['year'] or '—'} · "
                   f"{article['paragraph_count']} 段")
    click.echo(f"\n{len(articles)} 篇文章")


@main.command()
@index_option
@engine_option
@click.option("--json", "as_json", is_flag=True, help="Print the concordance as JSON.")
@click.option("-f", "--filter", "filters", multiple=True, metavar="FIELD=VALUE",
              help="Filter by facet, as for search; repeat for OR.")
@click.option("--sort", type=click.Choice(["left", "right"]), default="right", show_default=True)
@click.option("--context", type=click.IntRange(1, 80), default=20, show_default=True,
              help="Characters of context on each side.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=1000, show_default=True,
              help="Lines shown at most (the counts cover every occurrence).")
@click.option("--no-synonyms", is_flag=True, help="Do not expand synonyms and abbreviations.")
@click.argument("query", nargs=-1, required=True)
def kwic(query: tuple[str, ...], index_dir: Path | None, as_json: bool, filters: tuple[str, ...], sort: str,
         context: int, limit: int, no_synonyms: bool, engine: str | None) -> None:
    """Show every occurrence of QUERY's terms (query language, filters too) with left and right context."""
    from search.kwic import concordance

    from .settings import defaults, from_environment

    citation_format = str({**defaults(), **from_environment()}["CITATION_FORMAT"])
    result = _call(lambda: concordance(_open_index(index_dir, engine), " ".join(query), filters=parse_filter_options(filters),
                                       synonyms=not no_synonyms, sort=sort, context=context, limit=limit,
                                       citation_format=citation_format))
    if as_json:
        _dump(result)
        return
    for notice in result["notices"]:
        click.echo(f"注意: {notice}")
    colour = sys.stdout.isatty()
    for row in kwic_rows(result["lines"], colour):
        click.echo(row)
    if not result["total"]:
        click.echo(f"没有找到“{result['query']}”。提示: 检查筛选条件，或去掉引号、减少检索词后再试。")
        return
    terms = [e for e in result["by_term"] if e["count"]]
    if len(terms) > 1:
        click.echo("\n" + "，".join(f"{e['term']}{'（同义词）' if e['synonym'] else ''} {e['count']} 处" for e in terms))
    shown = "" if len(result["lines"]) == result["total"] else f"（列出前 {len(result['lines'])} 行）"
    click.echo(f"\n共 {result['total']} 处，{result['paragraphs']} 段{shown}")


def kwic_rows(lines: list[dict], colour: bool) -> list[str]:
    """Return concordance lines aligned on the match by display width, each with its source after it."""
    from index.lines import display_width

    on, off = ("\x1b[1;33m", "\x1b[0m") if colour else ("【", "】")
    left_width = max((display_width(line["left"]) for line in lines), default=0)
    right_width = max((display_width(line["right"]) for line in lines), default=0)
    rows = []
    for line in lines:
        mark = f"≈{line['term']} " if line.get("synonym") else ""  # after the right context: it keeps the columns
        left = " " * (left_width - display_width(line["left"])) + line["left"]
        right = line["right"] + " " * (right_width - display_width(line["right"]))
        source = f"《{line['title']}》{line['year'] or ''}" if line.get("title") else ""
        rows.append(f"{left}{on}{line['match']}{off}{right}  {mark}{source}".rstrip())
    return rows


@main.command()
@index_option
@engine_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but 127.0.0.1/localhost exposes the page to the network.")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="Port to listen on.")
def serve(index_dir: Path | None, host: str, port: int, engine: str | None) -> None:
    """Open the search page (waitress); with no index yet, index the bundled samples first."""
    from index.folder import IndexBusy, IndexFormatError

    from .serve import run

    try:
        engine = resolve_engine(engine)
        run(resolve_index(index_dir), host=host, port=port, **({"engine": engine} if engine else {}))
    except (IndexBusy, IndexFormatError) as exc:
        _fail(exc)
    except OSError as exc:  # port in use, no permission to bind
        raise click.ClickException(f"无法在 {host}:{port} 启动服务：{exc.strerror or exc}") from None


from . import workbench_cli  # noqa: E402,F401  (registers the workbench's subcommands on main)

if __name__ == "__main__":  # python -m web.cli
    main()
