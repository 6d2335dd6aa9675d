"""The benchmark's corpus generator and brute-force baseline (scripts/): reproducible and exact."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
sys.path.insert(0, str(SCRIPTS))

import bench_corpus as bc
import bench_queries as bq
from bench_baselines import BruteForce
from bench_queries import BenchQuery, query_mix

from index.ingest import ingest
from index.model import DOC_TYPES, LEVELS


def _load_bench_script():
    loader = importlib.machinery.SourceFileLoader("bench_script", str(SCRIPTS / "bench"))
    spec = importlib.util.spec_from_loader("bench_script", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def pool() -> bc.SourcePool:
    return bc.load_pool()


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory, pool: bc.SourcePool) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("bench") / "corpus"
    return folder, bc.write_corpus(folder, 500, seed=7, pool=pool)


# --- splitting the sample ---------------------------------------------------------------------------


class TestSplitting:
    def test_sentences_keep_end_punctuation_and_closing_quotes(self):
        text = "他说：“要干实事。”我们照办！真的吗？最后一句没有句号"
        assert bc.split_sentences(text) == ["他说：“要干实事。”", "我们照办！", "真的吗？", "最后一句没有句号"]

    def test_semicolon_ends_a_sentence_but_comma_does_not(self):
        assert bc.split_sentences("建强阵地，服务职工；提升能力。") == ["建强阵地，服务职工；", "提升能力。"]

    @pytest.mark.parametrize("heading, bare", [
        ("一、主要做法", "主要做法"), ("（二）建强阵地", "建强阵地"), ("3. 下一步打算", "下一步打算"),
        ("第一部分 工作回顾", "工作回顾"), ("十、其他", "其他"),
    ])
    def test_heading_numbers_are_stripped(self, heading, bare):
        assert bc.strip_heading_number(heading) == bare

    def test_unnumbered_heading_is_unchanged(self):
        assert bc.strip_heading_number("一线职工的心声") == "一线职工的心声"

    def test_pool_is_measured_from_the_sample(self, pool):
        # index/sample holds 36 articles with 751 body paragraphs.
        assert len(pool.article_sizes) == 36
        assert len(pool.body_lengths) == 751
        assert all(len(s) >= 6 for s in pool.sentences)
        assert len(set(pool.sentences)) == len(pool.sentences)


# --- reproducibility --------------------------------------------------------------------------------


class TestReproducible:
    def test_same_seed_gives_identical_files(self, tmp_path, pool, small_corpus):
        folder, stats = small_corpus
        again = bc.write_corpus(tmp_path / "again", 500, seed=7, pool=pool)
        assert _tree(tmp_path / "again") == _tree(folder)
        assert again == stats

    def test_other_seed_gives_other_files(self, tmp_path, pool, small_corpus):
        bc.write_corpus(tmp_path / "other", 500, seed=8, pool=pool)
        assert _tree(tmp_path / "other") != _tree(small_corpus[0])

    def test_smaller_corpus_is_the_start_of_a_larger_one(self, pool):
        small = list(bc.iter_articles(pool, 7, 200))
        large = list(bc.iter_articles(pool, 7, 600))
        assert [a.blocks for a in small] == [a.blocks for a in large[: len(small)]]

    def test_paragraph_target_is_reached_by_whole_articles(self, small_corpus, pool):
        _, stats = small_corpus
        assert 500 <= stats["generated_paragraphs"] < 500 + max(pool.article_sizes)

    def test_stamp_changes_with_seed_and_size(self, pool):
        assert bc.corpus_stamp(7, 500, pool) != bc.corpus_stamp(8, 500, pool)
        assert bc.corpus_stamp(7, 500, pool) != bc.corpus_stamp(7, 600, pool)

    def test_ensure_corpus_reuses_a_matching_corpus(self, tmp_path):
        folder, stats, reused = bc.ensure_corpus(tmp_path, 150, seed=3)
        assert not reused
        marker = folder / "untouched"
        marker.write_text("x", encoding="utf-8")
        _, again, reused = bc.ensure_corpus(tmp_path, 150, seed=3)
        assert reused and again == stats and marker.exists()
        _, _, reused = bc.ensure_corpus(tmp_path, 150, seed=3, rebuild=True)
        assert not reused and not marker.exists()


# --- realism: metadata and what the product reads back ---------------------------------------------


class TestRealistic:
    def test_metadata_is_valid_and_places_are_consistent(self, pool):
        places = {p: {c: set(ks) for c, ks in cities} for p, cities in bc.load_places()}
        for article in bc.iter_articles(pool, 7, 3000):
            meta = article.metadata
            assert meta["level"] in LEVELS and meta["doc_type"] in DOC_TYPES
            assert 2015 <= meta["year"] <= 2024
            if meta["level"] == "national":
                assert "province" not in meta
                continue
            assert meta["province"] in places
            if "city" in meta:
                assert meta["city"] in places[meta["province"]]
            if "county" in meta:
                assert meta["county"] in places[meta["province"]][meta["city"]]

    def test_markdown_article_reads_back_exactly(self, small_corpus, pool):
        folder, _ = small_corpus
        article = bc.generate_article(pool, 7, 0)  # number 0: markdown with front matter
        (read,) = ingest([folder / "0000" / "0000000.md"]).articles
        assert [(p.kind, p.text) for p in read.paragraphs] == article.blocks
        for key, value in article.metadata.items():
            assert getattr(read, key) == value

    def test_sidecar_metadata_wins_for_text_files(self, small_corpus, pool):
        folder, _ = small_corpus
        article = bc.generate_article(pool, 7, 1)  # number 1: plain text with NAME.meta.toml
        (read,) = ingest([folder / "0000" / "0000001.txt"]).articles
        for key, value in article.metadata.items():
            assert getattr(read, key) == value

    def test_extra_document_carries_the_marker(self, tmp_path):
        path = bc.write_extra_document(tmp_path, 7, "基准测试新增文档标记")
        (read,) = ingest([path]).articles
        assert read.paragraphs[1].text.startswith("基准测试新增文档标记。")


# --- the brute-force baseline ---------------------------------------------------------------------


def _record(i: int, text: str, province: str | None = "河北省", year: int | None = 2021,
            themes: tuple[str, ...] = (), kind: str = "body") -> dict:
    return {"id": f"p{i}", "text": text, "province": province, "city": None, "year": year,
            "doc_type": "工作总结", "level": "province", "kind": kind, "themes": list(themes)}


class TestBruteForce:
    def test_matching_is_literal_folded_and_whitespace_blind(self):
        brute = BruteForce([_record(0, "职工 书屋建设"), _record(1, "推广ＡＰＰ应用"), _record(2, "职工之家")])
        assert brute.search(BenchQuery("phrase", ("职工书屋",), quoted=True))["top"] == ["p0"]
        assert brute.search(BenchQuery("rare", ("app",)))["top"] == ["p1"]
        assert brute.search(BenchQuery("common", ("职工",)))["total"] == 2

    def test_and_filters_and_facets(self):
        brute = BruteForce([
            _record(0, "劳模工匠", "河北省", 2019, ("劳模工匠",)),
            _record(1, "劳模和工匠", "河南省", 2021, ("劳模工匠", "女职工")),
            _record(2, "工匠", "河北省", 2023),
            _record(3, "劳模", None, None, kind="heading"),
        ])
        both = brute.search(BenchQuery("and", ("劳模", "工匠")))
        assert both["top"] == ["p0", "p1"]
        assert both["facets"]["province"] == Counter({"河北省": 1, "河南省": 1})
        assert both["facets"]["themes"] == Counter({"劳模工匠": 2, "女职工": 1})
        years = brute.search(BenchQuery("filtered", ("工匠",), filters={"year": ["2020-2023"]}))
        assert years["top"] == ["p1", "p2"]
        theme = brute.search(BenchQuery("filtered", ("劳模",), filters={"theme": ["女职工"]}))
        assert theme["top"] == ["p1"]
        kind = brute.search(BenchQuery("filtered", ("劳模",), filters={"kind": ["heading"]}))
        assert kind["top"] == ["p3"] and kind["facets"]["province"] == Counter()

    def test_counts_equal_a_naive_scan_of_a_generated_corpus(self, pool):
        records = []
        for article in bc.iter_articles(pool, 7, 500):
            for kind, text in article.blocks:
                records.append(_record(len(records), text, article.metadata.get("province"),
                                       article.metadata["year"], kind=kind))
        brute = BruteForce(records)
        for query in query_mix():
            if query.filters:
                continue
            naive = [r for r in records if all(n in r["text"] for n in query.needles)]
            result = brute.search(query)
            assert result["total"] == len(naive), query.q
            assert result["top"] == [r["id"] for r in naive[:10]]
            assert result["facets"]["province"] == Counter(r["province"] for r in naive if r["province"])

    def test_query_mix_has_five_of_each_class(self):
        assert Counter(q.cls for q in query_mix()) == {c: 5 for c in ("common", "medium", "rare", "and", "phrase", "filtered")}
        assert BenchQuery("phrase", ("职工之家",), quoted=True).q == '"职工之家"'


# --- statistics and options -------------------------------------------------------------------------


class TestStatistics:
    def test_nearest_rank_percentiles(self):
        values = [float(v) for v in range(1, 21)]
        assert bq.percentile(values, 0.5) == 10.0
        assert bq.percentile(values, 0.95) == 19.0
        assert bq.percentile([7.0], 0.95) == 7.0

    def test_summary_per_class_and_overall(self):
        stats = bq.summarize({"rare": [1.0, 3.0, 2.0], "common": [10.0]})
        assert stats["rare"] == {"p50": 2.0, "p95": 3.0, "max": 3.0, "n": 3}
        assert stats["all"] == {"p50": 2.0, "p95": 10.0, "max": 10.0, "n": 4}

    def test_sizes_and_medians_of_runs(self):
        bench = _load_bench_script()
        assert [bench.parse_size(s) for s in ("10k", "100K", "1M", "2500")] == [10_000, 100_000, 1_000_000, 2500]
        assert [bench.size_label(n) for n in (10_000, 1_000_000, 2500)] == ["10k", "1M", "2500"]
        runs = [{"a": 1.0, "b": [1, 5], "c": "x"}, {"a": 3.0, "b": [2, 4], "c": "y"}, {"a": 2.0, "b": [3, 6], "c": "z"}]
        assert bench.median_tree(runs) == {"a": 2.0, "b": [2, 5], "c": "x"}


# --- the report ---------------------------------------------------------------------------------------


def _fake_size(ms: float, brute_ms: float, per_s: float, totals: list[int]) -> dict:
    names = (*bq.QUERY_CLASSES, "all")
    classes = {c: {"p50": ms, "p95": 2 * ms, "max": 3 * ms, "n": 2} for c in names}
    brute = {c: {"p50": brute_ms, "p95": brute_ms, "max": brute_ms, "n": 2} for c in names}
    first = {c: {"p50": 1.5 * ms, "p95": 2.25 * ms, "max": 3 * ms, "n": 1} for c in names}
    facets = [{"province": {"河北省": t}} for t in totals]
    return {
        "paragraphs": 100_269, "corpus": {"articles": 3823},
        "indexing": {"paragraphs_per_s": per_s, "seconds": 40.0, "size_mb": 300.0, "peak_rss_mb": 900.0},
        "product": {"first_result_after_launch_s": 0.8, "open_s": 0.4, "first_search_s": 0.3, "peak_rss_mb": 400.0,
                    "full": {"classes": classes, "queries": [ms] * len(totals), "first": first},
                    "totals": totals, "facets": facets,
                    "concordance": {"职工": {"ms": 250.0, "occurrences": 150_000}}},
        "brute": {"full": {"classes": brute}, "totals": totals, "facets": facets, "peak_rss_mb": 90.0},
        "add_one": {"visible_s": 0.5, "found": 1},
    }


class TestReport:
    def test_targets_and_exactness_rows(self):
        from bench_report import render_markdown, target_rows

        totals = [5] * len(bq.quick_mix())
        size = _fake_size(4.0, 80.0, 3000.0, totals)
        assert target_rows({"100k": size}) == [
            ["100k", "indexing ≥ 2500 p/s", "3,000.0 p/s", "yes"],
            ["100k", "first search after start (index opened) ≤ 1 s", "0.3 s", "yes"],
            ["100k", "search process memory ≤ 2048 MB", "400.0 MB", "yes"],
            ["100k", "concordance 职工 (150,000 occ.) ≤ 200 ms", "250.0 ms", "**no**"],
            ["100k", "full search p50 ≤ 5 ms", "4.0 ms", "yes"],
            ["100k", "full search p95 ≤ 30 ms", "8.0 ms", "yes"],
            ["100k", "add one document → found ≤ 1 s", "0.5 s", "yes"],
        ]
        report = {"meta": {"seed": 1, "cpus": 2, "python": "3.11", "git": None, "date": "today", "repeat": 1,
                           "passes": 1, "quick": True}, "sizes": {"100k": size}}
        text = render_markdown(report)
        assert "| 100k | all | 5–5 | 4.0 / 8.0 / 12.0 | 6.0 / 9.0 | 80.0 / 80.0 | 20.0× | – | – | – |" in text
        assert "| 100k | UnionSearch (synonyms off) | 12/12 | 100.0% | 10/10 | – |" in text
        assert "| 100k | 100,269 | 3,823 | 3,000 p/s (40 s) | 900 MB | 300 MB | 0.80 s (open 0.40 s, search 0.30 s) |" in text


def test_time_mix_keeps_the_first_runs_apart():
    calls = []
    mix = bq.quick_mix()
    result = bq.time_mix(calls.append, mix, passes=2)
    assert calls == mix * 3  # the first pass, then two timed ones
    assert result["first"]["all"]["n"] == len(mix) and result["classes"]["all"]["n"] == 2 * len(mix)
    assert set(result["first"]) == {*(q.cls for q in mix), "all"} and len(result["queries"]) == len(mix)
