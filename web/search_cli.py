"""The subcommands of `unionsearch` that read the index: search, docs, kwic."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from index.fields import filter_help
from search.limits import MAX_PAGE, MAX_PER_PAGE

from .cli import (_call, _dump, _dumped_or_noticed, _open_index, _per_page, _setting, engine_option, filter_option,
                  index_option, main, parse_filter_options, region_label, synonyms_option)


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
    from search.concordance import concordance

    from .settings import defaults, from_environment

    citation_format = str({**defaults(), **from_environment()}["CITATION_FORMAT"])
    result = _call(lambda: concordance(_open_index(index_dir, engine), " ".join(query), filters=parse_filter_options(filters),
                                       synonyms=not no_synonyms, sort=sort, context=context, limit=limit,
                                       citation_format=citation_format))
    if _dumped_or_noticed(result, as_json):
        return
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
