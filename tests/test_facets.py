"""Facet counts and filters of SearchIndex.search, checked against the stored paragraphs."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from index.writer import update_index
from search.engine import SearchIndex, SearchRequest
from search.errors import QueryError
import search.facets
from index.themes import THEMES
from search.facets import FacetTable, place_values, theme_values
from tests.search_fixtures import engine, hit_ids, oracle, write_markdown  # noqa: F401

QUERIES = ("工会", "职工书屋", "", "建设 -家")
FACETS = ("province", "city", "year", "theme", "level", "doc_type", "kind")


def _value_counts(oracle, ids: set[str], facet: str) -> Counter:
    """Count the paragraphs ``ids`` by one facet, the brute-force way."""
    counts: Counter = Counter()
    for pid in ids:
        doc = oracle.stored[pid]
        if facet == "theme":
            counts.update(t for t in (doc.get("themes") or "").split(",") if t)
        elif doc.get(facet):
            counts[doc[facet]] += 1
    return counts


def _as_counter(entries: list[dict]) -> Counter:
    return Counter({e["value"]: e["count"] for e in entries})


# --- Counts --------------------------------------------------------------------------------------

@pytest.mark.parametrize("q", QUERIES)
def test_counts_cover_the_whole_result_set(engine, oracle, q):
    result = engine.search(SearchRequest(q=q, per_page=1, synonyms=False))
    ids = hit_ids(engine, q, synonyms=False)
    for facet in FACETS:
        assert _as_counter(result["facets"][facet]) == _value_counts(oracle, ids, facet), facet


@pytest.mark.parametrize("q", ["", "职工书屋", "小三级 OR 12351 -家", "工会 驿站 夏季"])
def test_every_count_equals_the_total_of_that_filter(engine, q):
    base = engine.search(SearchRequest(q=q, per_page=1, synonyms=False))
    # Counts of the all-terms set equal the filtered all-terms total; counts of every hit, the total.
    total = "total_all_terms" if base["facet_basis"] == "all_terms" else "total"
    checked = 0
    for facet, entries in base["facets"].items():
        for entry in entries:
            request = SearchRequest(q=q, per_page=1, synonyms=False, filters={facet: [str(entry["value"])]})
            filtered = engine.search(request)
            assert filtered[total] == entry["count"], (facet, entry)
            checked += 1
    assert checked >= 10


def test_adding_a_value_to_a_chosen_facet_adds_its_count(engine):
    base = engine.search(SearchRequest(q="建设 省:河南", per_page=1, synonyms=False))
    chosen = next(e["count"] for e in base["facets"]["province"] if e["value"] == "河南省")
    assert base["total"] == chosen
    for entry in base["facets"]["province"]:
        if entry["value"] != "河南省":
            request = SearchRequest(q="建设 省:河南", per_page=1, synonyms=False, filters={"province": [entry["value"]]})
            assert engine.search(request)["total"] == chosen + entry["count"], entry


def test_counts_of_the_whole_sample(engine):
    facets = engine.search(SearchRequest(per_page=1))["facets"]
    assert facets["year"] == [{"value": 2023, "count": 902}, {"value": 2021, "count": 45}]
    assert {"value": "河北省", "count": 16} in facets["province"]
    assert sum(e["count"] for e in facets["kind"]) == 947
    assert sum(e["count"] for e in facets["doc_type"]) == 947


def test_counts_are_ordered_most_first_and_years_newest_first(engine):
    facets = engine.search(SearchRequest(q="工会", per_page=1))["facets"]
    for facet in ("province", "city", "level", "doc_type", "kind"):
        counts = [e["count"] for e in facets[facet]]
        assert counts == sorted(counts, reverse=True), facet
    years = [e["value"] for e in facets["year"]]
    assert years == sorted(years, reverse=True)


# --- Filters -------------------------------------------------------------------------------------

def test_every_hit_of_a_filtered_query_lies_inside_the_filter(engine, oracle):
    ids = hit_ids(engine, "工会", filters={"province": ["河南省"], "year": ["2023"]})
    assert ids
    assert ids == oracle.containing("工会") & oracle.where(province="河南省", year=2023)


def test_values_of_one_facet_or(engine, oracle):
    ids = hit_ids(engine, "工会", synonyms=False, filters={"province": ["河北", "河南"]})
    expected = oracle.containing("工会") & (oracle.where(province="河北省") | oracle.where(province="河南省"))
    assert ids == expected
    assert hit_ids(engine, "工会 省:河北,河南", synonyms=False) == expected
    assert hit_ids(engine, "工会 省:河北 省:河南", synonyms=False) == expected


def test_facets_and(engine, oracle):
    ids = hit_ids(engine, "", filters={"year": ["2021"], "kind": ["body"]})
    assert ids == oracle.where(year=2021, kind="body")


def test_each_facet_ignores_its_own_selection(engine):
    plain = engine.search(SearchRequest(q="工会", per_page=1))
    chosen = engine.search(SearchRequest(q="工会", per_page=1, filters={"province": ["河北省"]}))
    assert chosen["facets"]["province"] == plain["facets"]["province"]
    assert chosen["total"] == next(e["count"] for e in plain["facets"]["province"] if e["value"] == "河北省")
    # Every other facet counts only inside 河北省.
    assert sum(e["count"] for e in chosen["facets"]["kind"]) == chosen["total"]
    assert chosen["facets"]["year"] != plain["facets"]["year"]


@pytest.mark.parametrize("filters, resolved", [
    ({"province": ["河北"]}, {"province": ["河北省"]}),
    ({"province": ["河北省"]}, {"province": ["河北省"]}),
    ({"city": ["沧州"]}, {"city": ["沧州市"]}),
    ({"city": ["昌吉州"]}, {"city": ["昌吉回族自治州"]}),
    ({"city": ["昌吉"]}, {"city": ["昌吉回族自治州"]}),
    ({"province": ["新疆"]}, {"province": ["新疆维吾尔自治区"]}),
    ({"province": ["广西"]}, {"province": ["广西壮族自治区"]}),
    ({"level": ["市"]}, {"level": ["city"]}),
    ({"level": ["province"]}, {"level": ["province"]}),
    ({"kind": ["标题"]}, {"kind": ["title"]}),
    ({"doc_type": ["综述"]}, {"doc_type": ["工作综述"]}),
    ({"theme": ["女职工"]}, {"theme": ["女职工"]}),
    ({"theme": ["帮扶"]}, {"theme": ["服务职工/帮扶"]}),
    ({"year": ["2021"]}, {"year": ["2021"]}),
])
def test_short_and_alias_values_resolve_to_the_index_values(engine, filters, resolved):
    result = engine.search(SearchRequest(per_page=1, filters=filters))
    assert result["filters"] == resolved
    assert result["total"] > 0 and result["notices"] == []


def test_short_names_in_the_query_match_full_ones(engine, oracle):
    assert hit_ids(engine, "省:河北") == oracle.where(province="河北省")
    assert hit_ids(engine, "", filters={"province": ["河北"]}) == oracle.where(province="河北省")
    assert len(oracle.where(province="河北省")) == 16


def test_a_fragment_is_not_a_short_name(engine):
    result = engine.search(SearchRequest(q="工会 省:河", per_page=1))
    assert result["total"] == 0
    assert result["filters"] == {"province": ["河"]}
    assert "索引中没有“河”这一省份" in result["notices"]


def test_year_filters(engine, oracle):
    assert hit_ids(engine, "", filters={"year": ["2021"]}) == oracle.where(year=2021)
    assert engine.search(SearchRequest(filters={"year": ["2019-2023"]}))["total"] == 947
    assert engine.search(SearchRequest(filters={"year": ["2022"]}))["total"] == 0
    assert engine.search(SearchRequest(filters={"year": ["2023-2019"]}))["total"] == 947
    assert engine.search(SearchRequest(q="年:2019-2022"))["total"] == 45
    assert hit_ids(engine, "", filters={"year": ["2021", "2023"]}) == set(oracle.stored)


def test_theme_filter(engine, oracle):
    women = {pid for pid, doc in oracle.stored.items() if "女职工" in (doc.get("themes") or "").split(",")}
    assert len(women) == 16
    assert hit_ids(engine, "主题:女职工") == women
    assert hit_ids(engine, "", filters={"theme": ["女职工"]}) == women


def test_unknown_place_gives_no_hits_and_a_notice(engine):
    result = engine.search(SearchRequest(filters={"county": ["不存在县"]}))
    assert (result["total"], result["notices"]) == (0, ["索引中没有“不存在县”这一区县"])


# --- Bad filters ---------------------------------------------------------------------------------

@pytest.mark.parametrize("filters, message", [
    ({"region": ["河北"]}, "未知的筛选字段“region”"),
    ({"year": ["abc"]}, "无法识别的年份“abc”，已忽略（示例：年:2021 或 年:2019-2023）。"),
    ({"year": ["3000"]}, "无法识别的年份“3000”，已忽略（示例：年:2021 或 年:2019-2023）。"),
    ({"level": ["村"]}, "无法识别的级别“村”，已忽略（可用：全国、省级、市级、区县、单位、企业）。"),
    ({"kind": ["段"]}, "无法识别的段落类型“段”，已忽略（可用：标题、小标题、正文、图注）。"),
])
def test_bad_filters_raise_query_error_with_a_hint(engine, filters, message):
    with pytest.raises(QueryError) as caught:
        engine.search(SearchRequest(q="工会", filters=filters))
    assert caught.value.message == message
    assert caught.value.hint


# --- Undated documents and the table itself ------------------------------------------------------

def test_undated_articles_have_no_year_anywhere(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    write_markdown(docs, "dated.md", "甲单位工作情况", ["开展送温暖活动。"], year=2020)
    write_markdown(docs, "undated.md", "乙单位工作情况", ["开展送温暖活动。"])
    update_index(tmp_path / "index", [docs])
    index = SearchIndex(tmp_path / "index")
    result = index.search(SearchRequest(q="送温暖"))
    assert result["facets"]["year"] == [{"value": 2020, "count": 1}]
    assert index.search(SearchRequest(q="送温暖", filters={"year": ["1900-2099"]}))["total"] == 1
    assert sorted(h["year"] or 0 for h in result["hits"]) == [0, 2020]
    assert sorted(index.generation().facets.codes["year"].tolist()) == [0, 0, 2020, 2020]


def test_table_mask_and_count():
    table = FacetTable(
        codes={"province": np.array([0, 1, 2, 1]), "year": np.array([2020, 0, 2021, 2019]),
               "theme": np.array([0b1, 0b11, 0, 0b10])},
        values={"province": ["", "河北省", "河南省"], "year": [], "theme": []},
    )
    assert table.mask("province", ["河北省"]).tolist() == [False, True, False, True]
    assert table.mask("year", [(2020, 2021)]).tolist() == [True, False, True, False]
    counts = table.count(["province", "year", "theme"], np.arange(4))
    assert counts["province"] == [{"value": "河北省", "count": 2}, {"value": "河南省", "count": 1}]
    assert counts["year"] == [{"value": 2021, "count": 1}, {"value": 2020, "count": 1}, {"value": 2019, "count": 1}]
    assert counts["theme"][:2] == [{"value": "思想政治引领", "count": 2}, {"value": "建功立业/劳动和技能竞赛", "count": 2}]
    assert table.count(["province"], np.array([1, 2])) == {"province": [{"value": "河北省", "count": 1},
                                                                        {"value": "河南省", "count": 1}]}


@pytest.mark.parametrize("joint_bins", [1, 64, 1 << 18])
def test_joint_counts_equal_counting_each_facet_alone(monkeypatch, joint_bins):
    """Facets counted together in one bincount give what a plain count of each gives."""
    monkeypatch.setattr(search.facets, "JOINT_BINS", joint_bins)
    rng = np.random.default_rng(7)
    n = 5000
    values = {name: [""] + [f"{name}{i}" for i in range(size)]
              for name, size in {"province": 31, "city": 300, "level": 5, "doc_type": 12, "kind": 6}.items()}
    codes = {name: rng.integers(0, len(v), n) for name, v in values.items()}
    codes["year"] = np.where(rng.random(n) < 0.1, 0, rng.integers(2008, 2026, n))
    codes["theme"] = rng.choice([0, 1, 6, 1 << 15, (1 << 15) | 3, 0b1010], n)
    table = FacetTable(codes, {**values, "year": [], "theme": []})
    assert sorted(n for joint in table.joints for n in joint.names) == sorted(FACETS)
    assert all(len(j.names) == 1 or np.prod(j.shape) <= joint_bins for j in table.joints)
    assert len(table.joints) == {1: 7, 64: 6, 1 << 18: 2}[joint_bins]
    rows = np.flatnonzero(rng.random(n) < 0.3)
    counts = table.count(list(FACETS), rows)
    for name in ("province", "city", "level", "doc_type", "kind"):
        plain = Counter(values[name][c] for c in codes[name][rows] if c)
        assert counts[name] == [{"value": v, "count": k} for v, k in sorted(plain.items(), key=lambda p: (-p[1], p[0]))]
    plain_years = Counter(int(y) for y in codes["year"][rows] if y)
    assert counts["year"] == [{"value": y, "count": plain_years[y]} for y in sorted(plain_years, reverse=True)]
    plain_themes = Counter(t for bits in codes["theme"][rows] for i, t in enumerate(THEMES) if int(bits) >> i & 1)
    assert counts["theme"] == [{"value": t, "count": plain_themes[t]} for t in THEMES if plain_themes[t]]


def test_place_and_theme_resolution():
    provinces = ["", "河北省", "河南省", "吉林省", "北京市"]
    cities = ["", "吉林市", "北京市", "沧州市"]
    assert place_values("province", "河北", provinces) == ["河北省"]
    assert place_values("province", "河", provinces) == []
    assert place_values("province", "沧州", provinces) == []  # a city's name never selects its province
    assert place_values("province", "吉林", provinces) == ["吉林省"]
    assert place_values("city", "吉林", cities) == ["吉林市"]
    assert place_values("city", "北京", cities) == ["北京市"]
    assert place_values("city", "沧州", cities) == ["沧州市"]
    assert theme_values("女职工") == ["女职工"]
    assert theme_values("工会") == ["工会改革创新", "网上工会/智慧工会"]
