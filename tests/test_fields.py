"""The field registry: what metadata accepts, a query accepts too; one region text everywhere."""

from __future__ import annotations

from index.fields import FIELDS, LEVEL_ALIASES, YEAR_MAX, region_text
from index.overrides import convert_fields
from index.segment_columns import FACET_COLUMNS
from index.writer import update_index
from search.engine import SearchIndex, SearchRequest
from search.export import CSV_COLUMNS
from search.facets import FACET_BY_NAME, PlaceFacet, ThemeFacet, YearFacet
from search.query import parse_query
from search.query_fields import canonical_value
from tests.search_fixtures import write_markdown


def test_every_level_alias_metadata_takes_is_a_level_a_query_takes():
    for alias, code in LEVEL_ALIASES.items():
        assert convert_fields({"level": alias}) == {"level": code}
        assert canonical_value("level", alias) == (code, None), alias
    assert parse_query("级别:基层 工会").filters == {"level": ["unit"]}


def test_the_last_year_metadata_takes_is_a_year_a_query_takes():
    assert convert_fields({"year": YEAR_MAX}) == {"year": 2100}
    assert canonical_value("year", "2100") == ("2100", None)
    assert canonical_value("year", "2101")[0] is None
    assert canonical_value("year", "2099-2100") == ("2099-2100", None)


def test_a_unit_level_document_is_found_by_级别_基层(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    write_markdown(docs, "unit.md", "某公司工会工作总结", ["开展送温暖活动。"], level="基层")
    write_markdown(docs, "city.md", "某市总工会工作总结", ["开展送温暖活动。"], level="市级")
    update_index(tmp_path / "ix", [docs])
    result = SearchIndex(tmp_path / "ix").search(SearchRequest(q="送温暖 级别:基层"))
    assert [hit["title"] for hit in result["hits"]] == ["某公司工会工作总结"]
    assert result["notices"] == []


def test_facets_columns_and_export_come_from_the_registry():
    assert [f.name for f in FIELDS] == list(FACET_BY_NAME)
    assert FACET_COLUMNS == ("province", "city", "county", "level", "doc_type", "kind")
    assert (isinstance(FACET_BY_NAME["city"], PlaceFacet), isinstance(FACET_BY_NAME["year"], YearFacet),
            isinstance(FACET_BY_NAME["theme"], ThemeFacet)) == (True, True, True)
    labels = dict((key, label) for label, key in CSV_COLUMNS)
    assert [labels[k] for k in ("province", "city", "county", "year", "doc_type", "level", "kind", "themes")] == [
        "省份", "城市", "区县", "年份", "文种", "级别", "段落类型", "主题"]


def test_one_region_text_for_dicts_and_articles():
    class Article:
        province, city, county = "河北省", "沧州市", None

    assert region_text({"province": "河北省", "city": "沧州市", "county": ""}) == "河北省 沧州市"
    assert region_text(Article()) == "河北省 沧州市"
    assert region_text({}) == ""
