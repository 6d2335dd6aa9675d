"""The workbench's subcommands of `unionsearch`: collocations, phrases, keywords (registered on web.cli.main)."""

from __future__ import annotations

from pathlib import Path

import click

from .cli import _call, _dumped_or_noticed, _open_index, filter_option, index_option, main, parse_filter_options, synonyms_option


@main.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出搭配。")
@filter_option
@click.option("--window", type=click.IntRange(1, 10), default=5, show_default=True, help="每侧的词数。")
@click.option("--measure", type=click.Choice(["logdice", "mi", "ll"]), default="logdice", show_default=True,
              help="排序指标：logdice（logDice）、mi（互信息）、ll（对数似然比）。")
@click.option("--min-freq", "min_frequency", type=click.IntRange(1, 1000), default=2, show_default=True,
              help="出现次数少于此数的搭配词不列出。")
@click.option("--limit", type=click.IntRange(1, 200), default=20, show_default=True, help="每侧列出的搭配词数。")
@synonyms_option
@click.argument("query", nargs=-1, required=True)
def collocations(query: tuple[str, ...], index_dir: Path | None, as_json: bool, filters: tuple[str, ...], window: int,
                 measure: str, min_frequency: int, limit: int, no_synonyms: bool) -> None:
    """显示 QUERY 中检索词左右最常出现的词（搭配）。"""
    from index.lines import display_width
    from search.collocations import MEASURE_LABELS, collocations as find_collocations

    result = _call(lambda: find_collocations(
        _open_index(index_dir), " ".join(query), filters=parse_filter_options(filters), synonyms=not no_synonyms,
        window=window, measure=measure, min_frequency=min_frequency, limit=limit))
    if _dumped_or_noticed(result, as_json):
        return
    sampled = f"（只读了前 {result['used']} 处）" if result["sampled"] else ""
    click.echo(f"“{result['query']}”共 {result['total']} 处，{result['paragraphs']} 段{sampled}；"
               f"窗口左右各 {window} 词，按 {MEASURE_LABELS[measure]} 排序")
    for side, label in (("left", "左侧"), ("right", "右侧")):
        rows = result[side]
        click.echo(f"\n{label}搭配：" + ("" if rows else f"没有出现至少 {min_frequency} 次的词"))
        width = max((display_width(r["word"]) for r in rows), default=0)
        for n, row in enumerate(rows, start=1):
            pad = " " * (width - display_width(row["word"]))
            click.echo(f"{n:>3}. {row['word']}{pad}  {row[measure]:>8.2f}  频次 {row['frequency']:>5}  "
                       f"文章 {row['articles']:>4}")


@main.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出说法。")
@filter_option
@click.option("--min-length", type=click.IntRange(2, 20), default=4, show_default=True, help="说法最短的字数。")
@click.option("--max-length", type=click.IntRange(2, 20), default=12, show_default=True, help="说法最长的字数。")
@click.option("--min-articles", type=click.IntRange(1, 1000), default=2, show_default=True,
              help="用过的文章少于此数的说法不列出。")
@click.option("--sort", type=click.Choice(["articles", "new"]), default="articles", show_default=True,
              help="排序：articles 用过的文章多者在前；new 首次出现最晚者在前（新提法）。")
@click.option("--limit", type=click.IntRange(1, 200), default=30, show_default=True, help="最多列出的说法数。")
@synonyms_option
@click.argument("query", nargs=-1, required=True)
def phrases(query: tuple[str, ...], index_dir: Path | None, as_json: bool, filters: tuple[str, ...], min_length: int,
            max_length: int, min_articles: int, sort: str, limit: int, no_synonyms: bool) -> None:
    """显示 QUERY 中检索词周围反复出现的说法（4–12 字），按用过的文章数排列。"""
    from index.lines import display_width
    from search.ngrams import recurring_phrases

    result = _call(lambda: recurring_phrases(
        _open_index(index_dir), " ".join(query), filters=parse_filter_options(filters), synonyms=not no_synonyms,
        min_length=min_length, max_length=max_length, min_articles=min_articles, sort=sort, limit=limit))
    if _dumped_or_noticed(result, as_json):
        return
    sampled = f"（只读了前 {result['used']} 处）" if result["sampled"] else ""
    click.echo(f"“{result['query']}”共 {result['total']} 处，{result['paragraphs']} 段{sampled}")
    rows = result["phrases"]
    if not rows:
        click.echo(f"没有至少 {min_articles} 篇文章用过的说法。提示：用 --min-articles 1 或缩短 --min-length 再试。")
        return
    width = max(display_width(r["phrase"]) for r in rows)
    for n, row in enumerate(rows, start=1):
        pad = " " * (width - display_width(row["phrase"]))
        years = " ".join(f"{y['value']}:{y['count']}" for y in row["years"])
        click.echo(f"{n:>3}. {row['phrase']}{pad}  文章 {row['articles']:>4}  次数 {row['occurrences']:>5}  "
                   f"首见 {row['first_year'] or '—'}  {years}")


@main.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出关键词。")
@click.option("-f", "--filter", "filters", multiple=True, metavar="字段=取值",
              help="要比较的范围，按分面筛选，同 search；同一字段重复使用为“或”。")
@click.option("--min-freq", "min_frequency", type=click.IntRange(1, 1000), default=5, show_default=True,
              help="在本侧出现次数少于此数的词不列出。")
@click.option("--min-articles", type=click.IntRange(1, 1000), default=2, show_default=True,
              help="在本侧用过的文章少于此数的词不列出。")
@click.option("--limit", type=click.IntRange(1, 200), default=30, show_default=True, help="每个列表的词数。")
@click.option("--unit", type=click.Choice(["words", "phrases"]), default="words", show_default=True,
              help="对比单位：words（词）或 phrases（4–12 字反复出现的说法，只列本范围特有的）。")
@synonyms_option
@click.argument("query", nargs=-1)
def keywords(query: tuple[str, ...], index_dir: Path | None, as_json: bool, filters: tuple[str, ...],
             min_frequency: int, min_articles: int, limit: int, unit: str, no_synonyms: bool) -> None:
    """显示一个范围（筛选条件和/或 QUERY）相对索引其余部分的关键词（关键性）。"""
    from index.lines import display_width
    from search.keyness import keywords as find_keywords

    result = _call(lambda: find_keywords(
        _open_index(index_dir), " ".join(query), filters=parse_filter_options(filters), synonyms=not no_synonyms,
        min_frequency=min_frequency, min_articles=min_articles, limit=limit, unit=unit))
    if _dumped_or_noticed(result, as_json):
        return
    noun = "说法" if unit == "phrases" else "词"
    click.echo(f"所选范围 {result['paragraphs']} 段（{result['words']} 词），"
               f"对比其余 {result['reference_paragraphs']} 段（{result['reference_words']} 词）")
    sides = (("key", f"本范围特有的{noun}"),) + ((("lacking", "本范围少用的词"),) if unit == "words" else ())
    for side, label in sides:
        rows = result[side]
        click.echo(f"\n{label}：" + ("" if rows else f"没有显著的{noun}"))
        width = max((display_width(r["word"]) for r in rows), default=0)
        for n, row in enumerate(rows, start=1):
            pad = " " * (width - display_width(row["word"]))
            click.echo(f"{n:>3}. {row['word']}{pad}  LL {row['ll']:>8.1f}  对数比 {row['log_ratio']:>6.2f}  "
                       f"次数 {row['frequency']:>5} / {row['reference_frequency']:<5}  文章 {row['articles']}")


@main.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出并列小标题。")
@filter_option
@click.option("--limit", type=click.IntRange(1, 200), default=50, show_default=True, help="最多列出的小标题组数。")
@synonyms_option
@click.argument("query", nargs=-1, required=True)
def headings(query: tuple[str, ...], index_dir: Path | None, as_json: bool, filters: tuple[str, ...], limit: int,
             no_synonyms: bool) -> None:
    """显示 QUERY 命中的小标题及同一节里与之并列的小标题（并列小标题）。"""
    from search.headings import heading_sets

    result = _call(lambda: heading_sets(
        _open_index(index_dir), " ".join(query), filters=parse_filter_options(filters), synonyms=not no_synonyms,
        limit=limit))
    if _dumped_or_noticed(result, as_json):
        return
    click.echo(f"“{result['query']}”命中 {result['total_headings']} 个小标题，{result['total_sets']} 组"
               + (f"（列出前 {len(result['sets'])} 组）" if len(result["sets"]) < result["total_sets"] else ""))
    if not result["sets"]:
        click.echo("没有命中的小标题。提示：换一个词，或去掉筛选条件再试。")
    for n, group in enumerate(result["sets"], start=1):
        where = "，".join(str(v) for v in (group["province"], group["year"], group["section"]) if v)
        click.echo(f"\n{n}. {group['title']}" + (f"（{where}）" if where else "") + f"  命中 {group['matched']} 个")
        for heading in group["headings"]:
            click.echo(f"   {'▶' if heading['matched'] else ' '} {heading['text']}")
