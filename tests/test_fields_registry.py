"""Every field of the registry reaches records, the Whoosh store, exports, clippings, the sidebar and SphinxQL."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import fields as dataclass_fields
from pathlib import Path

import pytest

from index.fields import FIELDS, SIDEBAR_FIELDS, Field
from index.model import Article, Paragraph
from index.overrides import FIELDS as SETTABLE, _coded, convert_fields
from index.records import OPTIONAL_FIELDS, ParagraphRecord
from index.schema import STORED_FIELDS
from index.writer import update_index
from search import query_fields
from search.clippings.store import RECORD_FIELDS, ClippingStore
from search.engine import SearchIndex, SearchRequest
from search.export import CSV_COLUMNS, to_csv
from search.facets import COUNTED
from search.sphinxql.config import COLUMNS, shard_index
from search.sphinxql.query import FACET_COLUMNS
from search.sphinxql.rows import paragraph_row
from search.sphinxql.searcher import HIT_COLUMNS, JOINTS
from tests.search_fixtures import write_markdown

_SPHINX_TYPE = {"place": "rt_attr_string", "coded": "rt_attr_string", "year": "rt_attr_uint", "theme": "rt_attr_multi"}


def _names(cls: type) -> set[str]:
    return {f.name for f in dataclass_fields(cls)}


@pytest.mark.parametrize("spec", FIELDS, ids=lambda f: f.name)
def test_every_field_is_an_attribute_of_its_records_and_stored(spec: Field):
    assert spec.key in _names(Article if spec.scope == "article" else Paragraph)
    assert spec.key in _names(ParagraphRecord)
    assert spec.key in STORED_FIELDS
    if spec.scope == "article":
        assert spec.key in OPTIONAL_FIELDS and spec.name in SETTABLE


@pytest.mark.parametrize("spec", FIELDS, ids=lambda f: f.name)
def test_every_field_is_exported_clipped_and_a_sphinx_column(spec: Field):
    assert (spec.label, spec.key) in CSV_COLUMNS
    assert spec.key in RECORD_FIELDS
    assert f"    {_SPHINX_TYPE[spec.kind]} = {spec.key}" in shard_index("shard0", Path("/data")).splitlines()
    assert spec.key in COLUMNS and spec.key in HIT_COLUMNS and FACET_COLUMNS[spec.name] == spec.key


def test_every_counted_field_is_in_one_sphinx_joint_and_in_the_sidebar_or_under_its_parent():
    joined = [name for joint in JOINTS for name in joint]
    assert sorted(joined) == sorted(COUNTED)
    for spec in FIELDS:
        if spec.counted:
            assert (spec in SIDEBAR_FIELDS) == (spec.parent is None), spec.name


def test_the_orders_users_rely_on_are_kept():
    """The registry drives them, yet they must stay what spreadsheets, pages and clusters already have."""
    assert [label for label, _ in CSV_COLUMNS] == [
        "序号", "段落ID", "文章ID", "文章标题", "单位", "省份", "城市", "区县", "年份", "文种", "级别", "段落类型",
        "小节", "主题", "正文", "引用", "来源文件"]
    assert [f.name for f in SIDEBAR_FIELDS] == ["province", "year", "theme", "level", "doc_type", "kind"]
    assert STORED_FIELDS == ("id", "article_id", "content_hash", "position", "text", "title", "section", "kind",
                             "themes", "theme_bits", "province", "city", "county", "level", "doc_type", "year",
                             "unit", "organization", "article")
    assert COLUMNS == ("body", "province", "city", "county", "level", "doc_type", "kind", "pid", "article_id",
                       "title", "source", "unit", "organization", "section", "text", "record", "source_id",
                       "file_hash", "year", "position", "ordinal", "themes")
    assert JOINTS == (("province", "city"), ("year", "level", "doc_type", "kind"), ("theme",))


def test_a_new_coded_field_converts_typed_values_without_code_of_its_own(monkeypatch):
    spec = Field("channel", "渠道", "coded", ("渠道", "channel"), "channel",
                 codes={"paper": "纸质", "web": "网络"}, aliases={"纸本": "paper", "网上": "web"})
    convert = _coded(spec)
    assert [convert(v) for v in ("纸质", "paper", "纸本", " 网上 ")] == ["paper", "paper", "paper", "web"]
    with pytest.raises(ValueError, match="不是可用的渠道（纸质、网络）"):
        convert("广播")
    monkeypatch.setitem(query_fields.FIELD_BY_NAME, "channel", spec)
    assert query_fields.canonical_value("channel", "“网上”") == ("web", None)
    assert query_fields.canonical_value("channel", "ＷＥＢ") == ("web", None)
    assert query_fields.canonical_value("channel", "网络") == ("web", None)
    assert query_fields.canonical_value("channel", "广播") == (
        None, "无法识别的渠道“广播”，已忽略（可用：纸质、网络）。")
    assert query_fields.value_label("channel", "paper") == "纸质"


@pytest.fixture(scope="module")
def tagged_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return an index of one document with every metadata field set."""
    root = tmp_path_factory.mktemp("registry")
    docs = root / "docs"
    docs.mkdir()
    write_markdown(docs, "a.md", "广州市天河区总工会2021年经验材料", ["天河区总工会开展困难职工帮扶，走访慰问职工。"],
                   province="广东省", city="广州市", county="天河区", level="区县", year=2021, doc_type="经验材料")
    update_index(root / "ix", [docs])
    return root / "ix"


def test_the_sidebar_lists_every_counted_field_in_the_registrys_order(tagged_index: Path):
    from web import create_app

    page = create_app({"INDEX": str(tagged_index), "TESTING": True}).test_client().get("/?q=职工").get_data(as_text=True)
    shown = re.findall(r'<fieldset class="facet" id="facet-([a-z_]+)"[^>]*>\s*<legend>([^<]+)</legend>', page)
    assert shown == [(f.name, f.label) for f in SIDEBAR_FIELDS]
    province = page[page.index('id="facet-province"'):page.index('id="facet-year"')]
    assert 'class="facet-children" aria-label="广东省的城市"' in province and 'value="广州市"' in province


def test_a_documents_metadata_reaches_every_output_column(tagged_index: Path, tmp_path: Path):
    index = SearchIndex(tagged_index)
    hit = next(h for h in index.search(SearchRequest(q="困难职工"))["hits"] if h["text"].startswith("天河区"))
    rows = list(csv.reader(io.StringIO(to_csv([hit], "{title}").decode("utf-8-sig"))))
    row = dict(zip(rows[0], rows[1]))
    assert {f.label: row[f.label] for f in FIELDS} == {
        "省份": "广东省", "城市": "广州市", "区县": "天河区", "年份": "2021", "主题": "服务职工/帮扶",
        "级别": "区县", "文种": "经验材料", "段落类型": "正文"}
    store = ClippingStore(tmp_path / "clip.db")
    try:
        collection_id = store.ensure_collection("素材")
        store.add_clipping(collection_id, hit, "引")
        copied = store.collection(collection_id)["clippings"][0]
    finally:
        store.close()
    assert {f.key: copied[f.key] for f in FIELDS} == {f.key: hit[f.key] for f in FIELDS}
    article = Article(id="0123456789abcdef", title="题", source="a.md", **convert_fields(
        {"province": "广东省", "city": "广州市", "county": "天河区", "level": "区县", "year": 2021, "doc_type": "经验材料"}))
    values = paragraph_row(article, Paragraph("p1", "body", "", "走访慰问职工。", ["困难帮扶"]), 1, "ab" * 20)[1]
    strings = re.findall(r"'([^']*)'", values)[1:1 + len([f for f in FIELDS if f.kind in ("place", "coded")])]
    assert strings == ["广东省", "广州市", "天河区", "district", "经验材料", "body"]
