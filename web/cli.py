"""The `unionsearch` command: one Click group, its shared options and helpers.

Each subcommand parses, calls the library, prints; they live by job in web/admin_cli.py (reading,
indexing, vectors, serving), web/search_cli.py (search, docs, kwic) and web/workbench_cli.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from index.model import Article

from .cli_text import chinese_usage, use_chinese
from .settings import default_engine, default_index_dir

use_chinese()  # Click's own texts (usage, errors about options) in the language of ours


def _dump(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _dumped_or_noticed(result: dict, as_json: bool) -> bool:
    """Print a workbench result as JSON and say so (True), or print its notices before the table (False)."""
    if as_json:
        _dump(result)
        return True
    for notice in result["notices"]:
        click.echo(f"注意: {notice}")
    return False


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


def _fail(error: Exception) -> None:
    """Print a library error with its hint (错误：… 提示：…) and exit with status 1."""
    message = getattr(error, "message", str(error))
    hint = getattr(error, "hint", None)
    raise click.ClickException(f"{message}" + (f"\n提示：{hint}" if hint else ""))


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


# Each module below registers its subcommands on main (imported last: they import main from here).
from . import admin_cli, search_cli, workbench_cli  # noqa: E402,F401

chinese_usage(main)  # last: every subcommand is registered by now

if __name__ == "__main__":  # python -m web.cli
    # Run as a script this module is __main__, and the subcommand modules registered theirs on the
    # imported web.cli: run that group.
    from web.cli import main as registered

    registered()
