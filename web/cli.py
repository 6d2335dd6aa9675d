"""The `unionsearch` command: one Click group; each subcommand parses, calls the library, prints."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from index.fields import filter_help
from index.model import Article
from search.limits import MAX_PAGE, MAX_PER_PAGE

from .cli_text import chinese_usage, use_chinese
from .settings import default_engine, default_index_dir

use_chinese()  # Click's own texts (usage, errors about options) in the language of ours


def _dump(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def region_label(article: Article | dict) -> str:
    """Return "省 市 县" for display, or a dash when the region is unknown."""
    from index.fields import region_text

    unit = article.get("unit") if isinstance(article, dict) else article.unit
    return region_text(article) or unit or "—"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="unionsearch")
def main() -> None:
    """工会文稿检索 UnionSearch：为工会文稿建立索引并检索。"""


def index_option(func):
    """Add the shared --index option (default: UNIONSEARCH_INDEX or the per-user data folder)."""
    return click.option(
        "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
        default=None, help="索引文件夹 [默认：环境变量 UNIONSEARCH_INDEX，否则为用户数据文件夹]。",
    )(func)


def filter_option(func):
    """Add the shared -f/--filter option of the commands that filter like search."""
    return click.option("-f", "--filter", "filters", multiple=True, metavar="字段=取值",
                        help="按分面筛选，同 search；同一字段重复使用为“或”。")(func)


def synonyms_option(func):
    """Add the shared --no-synonyms flag."""
    return click.option("--no-synonyms", is_flag=True, help="不扩展同义词和简称。")(func)


def engine_option(func):
    """Add the shared --engine option: a SphinxQL cluster used instead of the index folder."""
    return click.option(
        "--engine", default=None, metavar="sphinxql://HOST:PORT[,HOST:PORT…]",
        help="用 SphinxQL 集群（每个分片一个节点）代替索引文件夹 [默认：环境变量 UNIONSEARCH_ENGINE]。",
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


def _fail(error: Exception) -> None:
    """Print a library error with its hint (错误：… 提示：…) and exit with status 1."""
    message = getattr(error, "message", str(error))
    hint = getattr(error, "hint", None)
    raise click.ClickException(f"{message}" + (f"\n提示：{hint}" if hint else ""))


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


def _call(func, *args, **kwargs):
    """Call a library function; a library error becomes the command's error message with its hint."""
    from index.errors import UnionSearchError

    try:
        return func(*args, **kwargs)
    except UnionSearchError as exc:
        _fail(exc)


def _setting(name: str) -> object:
    """Return a setting as the page would have it: its UNIONSEARCH_ variable, else its default."""
    from .settings import defaults, from_environment

    return from_environment().get(name, defaults()[name])


def _open_index(index_dir: Path | None, engine: str | None = None):
    from search.backend import open_search_index

    # The limits the page honours (UNIONSEARCH_MAX_PER_PAGE, UNIONSEARCH_MAX_QUERY_LENGTH) hold here too.
    return open_search_index(resolve_engine(engine) or resolve_index(index_dir),
                             max_per_page=int(_setting("MAX_PER_PAGE")),
                             max_query_length=int(_setting("MAX_QUERY_LENGTH")))


def _per_page(_ctx: click.Context, _param: click.Parameter, value: int) -> int:
    limit = int(_setting("MAX_PER_PAGE"))
    if not 1 <= value <= limit:
        raise click.BadParameter(f"每页条数须在 1 到 {limit} 之间（UNIONSEARCH_MAX_PER_PAGE），收到 {value}")
    return value


def parse_filter_options(options: tuple[str, ...]) -> dict[str, list[str]]:
    """Turn repeated -f FIELD=VALUE options into a filter dict."""
    filters: dict[str, list[str]] = {}
    for option in options:
        name, sep, value = option.partition("=")
        if not sep or not value.strip():
            raise click.BadParameter(f"“{option}”不是 字段=取值 的写法（例如 province=河北）", param_hint="-f")
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
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果。")
@click.option("-f", "--filter", "filters", multiple=True, metavar="字段=取值",
              help=f"按分面筛选（{filter_help()}）；同一字段重复使用为“或”。")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance", show_default=True,
              help="排序：relevance 相关度，newest 最新在前，oldest 最早在前。")
@click.option("--page", type=click.IntRange(1, MAX_PAGE), default=1, show_default=True, help="页码。")
@click.option("--per-page", type=int, default=10, show_default=True, callback=_per_page,
              help=f"每页条数，1 到 {MAX_PER_PAGE}（或 UNIONSEARCH_MAX_PER_PAGE）。")
@click.option("--no-synonyms", is_flag=True, help="不扩展同义词和简称（UNIONSEARCH_SYNONYMS=0 时默认不扩展）。")
@click.option("--strict", is_flag=True, help="只要包含全部检索词的段落（关闭软匹配与长词拆分）。")
@click.option("--group", is_flag=True, help="按文档归并：每篇文章只列最相关的一段，并给出命中段数。")
@click.option("--related", is_flag=True, help="用相关词辅助排序（权重很低）。")
@click.option("--semantic/--no-semantic", default=None,
              help="语义检索：与意思相近的段落融合排序（需先运行 `unionsearch vectors`）[默认：环境变量 UNIONSEARCH_SEMANTIC]。")
@click.argument("query", nargs=-1)
def search(query: tuple[str, ...], index_dir: Path | None, as_json: bool, filters: tuple[str, ...],
           sort: str, page: int, per_page: int, no_synonyms: bool, strict: bool, group: bool,
           related: bool, semantic: bool | None, engine: str | None) -> None:
    """检索段落；QUERY 使用检索语法（见 README）。"""
    from search.engine import SearchRequest

    from .settings import defaults, from_environment

    if semantic is None:
        semantic = bool({**defaults(), **from_environment()}["SEMANTIC"])
    request = SearchRequest(q=" ".join(query), filters=parse_filter_options(filters), sort=sort,
                            page=page, per_page=per_page, synonyms=not no_synonyms and bool(_setting("SYNONYMS")),
                            soft=not strict, group=group, related=related, semantic=semantic)
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
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出列表。")
def docs(index_dir: Path | None, as_json: bool, engine: str | None) -> None:
    """列出索引中的文章。"""
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
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出索引行。")
@filter_option
@click.option("--sort", type=click.Choice(["left", "right"]), default="right", show_default=True,
              help="排序：left 按左侧文字，right 按右侧文字。")
@click.option("--context", type=click.IntRange(1, 80), default=20, show_default=True,
              help="每侧显示的上下文字数。")
@click.option("--limit", type=click.IntRange(1, 100_000), default=1000, show_default=True,
              help="最多显示的行数（计数包括每一处出现）。")
@synonyms_option
@click.argument("query", nargs=-1, required=True)
def kwic(query: tuple[str, ...], index_dir: Path | None, as_json: bool, filters: tuple[str, ...], sort: str,
         context: int, limit: int, no_synonyms: bool, engine: str | None) -> None:
    """显示 QUERY 中检索词的每一处出现及其左右上下文（可用检索语法和筛选）。"""
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
        click.echo(f"没有找到“{result['query']}”。提示：检查筛选条件，或去掉引号、减少检索词后再试。")
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


from . import workbench_cli  # noqa: E402,F401  (registers the workbench's subcommands on main)

chinese_usage(main)  # last: every subcommand above is registered by now

if __name__ == "__main__":  # python -m web.cli
    main()
