"""The search columns: postings, round trips, segments and merges, and the fast path against a plain one."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from whoosh.index import open_dir

import index.segments
from index.analysis import index_words, segment
from index.postings import char_key, char_postings, lookup, word_postings
from index.schema import stored_paragraph
from index.normalize import match_form
from index.segment_columns import ColumnsBuilder, read_column_files, records_from_columns
from index.writer import update_index
from search.engine import SearchIndex, SearchRequest
from index.folded_texts import FoldedTexts
from search.scoring import ADJACENT_BONUS, B, K1, SECTION_BONUS, SYNONYM_WEIGHT, TITLE_BONUS, recency
from tests.search_fixtures import all_hits, engine, write_markdown  # noqa: F401


def test_char_postings_hold_every_unigram_and_bigram_once_per_doc():
    keys, offsets, docs = char_postings(["工会工会", "职工", "工"])
    assert lookup(keys, offsets, docs, char_key("工")).tolist() == [0, 1, 2]
    assert lookup(keys, offsets, docs, char_key("工会")).tolist() == [0]
    assert lookup(keys, offsets, docs, char_key("会工")).tolist() == [0]
    assert lookup(keys, offsets, docs, char_key("职工")).tolist() == [1]
    assert lookup(keys, offsets, docs, char_key("工职")).tolist() == []  # never across documents
    assert lookup(keys, offsets, docs, char_key("书")).tolist() == []


def test_word_postings_count_term_frequencies():
    ids = np.array([0, 1, 0, 2, 0], dtype=np.uint32)  # doc 0: a b a ; doc 1: c a
    terms, offsets, docs, tf = word_postings(ids, np.array([0, 3, 5]))
    assert terms.tolist() == [0, 1, 2]
    assert docs[offsets[0]:offsets[1]].tolist() == [0, 1] and tf[offsets[0]:offsets[1]].tolist() == [2, 1]
    assert docs[offsets[2]:offsets[3]].tolist() == [1]


def test_match_form_folds_width_case_traditional_and_space():
    assert match_form("ＡＰＰ 工會\u3000⼯作") == "app工会工作"


def test_columns_round_trip_keeps_every_record(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    write_markdown(docs, "a.md", "河北省总工会工作总结", ["## 一、职工书屋", "全省建成职工书屋1800家。"], year=2021,
                   province="河北省")
    update_index(tmp_path / "ix", [docs])
    ix = open_dir(str(tmp_path / "ix"))
    (segment,) = ix._segments()
    arrays, tables = read_column_files(tmp_path / "ix", segment.segment_id())
    records = records_from_columns(arrays, tables)
    assert [r.text for r in records] == ["河北省总工会工作总结", "一、职工书屋", "全省建成职工书屋1800家。"]
    assert [(r.kind, r.section, r.year, r.province) for r in records] == [
        ("title", "", 2021, "河北省"), ("heading", "", 2021, "河北省"), ("body", "一、职工书屋", 2021, "河北省")]
    assert records[2].words == index_words("全省建成职工书屋1800家。")
    builder = ColumnsBuilder()
    for record in records:
        builder.add(record)
    again, again_tables = builder.build()
    for name, array in again.items():
        assert np.array_equal(np.asarray(arrays[name]), array), name
    assert again_tables == tables


@pytest.fixture
def many_runs(tmp_path, monkeypatch):
    """Index one file per run, more runs than segments are kept, with an update and a removal."""
    monkeypatch.setattr(index.segments, "MAX_SEGMENTS", 4)
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(9):
        write_markdown(docs, f"d{n}.md", f"第{n}号工作简报", [f"开展送温暖活动{n}次，慰问困难职工{n * 10}户。"],
                       year=2015 + n)
        update_index(tmp_path / "ix", [docs])
    write_markdown(docs, "d3.md", "第3号工作简报", ["开展金秋助学活动，资助困难职工子女。"], year=2018)
    (docs / "d5.md").unlink()
    update_index(tmp_path / "ix", [docs])
    return tmp_path / "ix", docs


def test_segments_are_merged_and_results_survive(many_runs, tmp_path):
    index_dir, docs = many_runs
    assert len(open_dir(str(index_dir))._segments()) <= 4
    merged = SearchIndex(index_dir)
    update_index(tmp_path / "fresh", [docs])  # the same files in one run
    fresh = SearchIndex(tmp_path / "fresh")
    for q in ("送温暖", "困难职工", "金秋助学", "简报", ""):
        got, _ = all_hits(merged, q)
        want, _ = all_hits(fresh, q)
        # Docnums differ after a merge, so equal scores may tie-break differently: compare scores.
        assert [h["score"] for h in got] == [h["score"] for h in want], q
        assert sorted((h["score"], h["id"], h["text"], h["year"]) for h in got) == sorted(
            (h["score"], h["id"], h["text"], h["year"]) for h in want), q
    assert merged.search(SearchRequest(q="送温暖"))["total"] == 7  # d3 changed, d5 removed
    assert merged.search(SearchRequest(q="送温暖"))["facets"] == fresh.search(SearchRequest(q="送温暖"))["facets"]


# --- the fast path against a plain implementation of the same ranking -----------------------------

def plain_scores(index: SearchIndex, terms: list[str], synonyms: dict[str, list[str]]) -> dict[str, float]:
    """Score every paragraph with loops over stored documents: the definition the fast path vectorises."""
    with open_dir(str(index.index_dir)).searcher() as searcher:
        docs = [stored_paragraph(doc) for doc in searcher.all_stored_fields()]
    words = {d["id"]: Counter(index_words(d["text"])) for d in docs}
    lengths = {d["id"]: sum(words[d["id"]].values()) for d in docs}
    avgdl = sum(lengths.values()) / len(docs)
    years = np.array([d.get("year") or 0 for d in docs])
    boost = dict(zip((d["id"] for d in docs), recency(years)))
    rank = [(t, 1.0) for t in terms] + [(s, SYNONYM_WEIGHT) for t in terms for s in synonyms.get(t, [])]
    out = {}
    for d in docs:
        total = 0.0
        for text, weight in rank:
            for word in segment(text):
                df = sum(1 for other in docs if words[other["id"]][word])
                tf = words[d["id"]][word]
                if tf:
                    idf = math.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
                    norm = K1 * (1 - B + B * lengths[d["id"]] / avgdl)
                    total += weight * idf * tf * (K1 + 1) / (tf + norm)
            needle = match_form(text)
            total += weight * TITLE_BONUS * (needle in match_form(d["title"]))
            under = needle in match_form(d.get("section") or "") or (
                d["kind"] in ("title", "heading") and needle in match_form(d["text"]))
            total += weight * SECTION_BONUS * under
        if len(terms) > 1:
            total += ADJACENT_BONUS * (match_form("".join(terms)) in match_form(d["text"]))
        out[d["id"]] = total * boost[d["id"]]
    return out


@pytest.mark.parametrize("q", ["职工书屋", "困难职工 帮扶", "劳模", "职代会", "送温暖 金秋助学"])
def test_fast_ranking_equals_the_plain_definition(engine, q):
    hits, _ = all_hits(engine, q)
    terms = q.split()
    synonyms = {t: engine.synonyms.expand(t) for t in terms}
    plain = plain_scores(engine, terms, synonyms)
    assert hits, q
    for hit in hits:
        assert hit["score"] == pytest.approx(plain[hit["id"]], abs=1e-3), hit["id"]
    exact = [h for h in hits if any(match_form(t) in match_form(h["text"]) for t in terms)]
    ordered = sorted(exact, key=lambda h: -plain[h["id"]])
    assert [round(plain[h["id"]], 3) for h in exact] == [round(plain[h["id"]], 3) for h in ordered]


def test_folded_texts_find_only_whole_characters(tmp_path):
    """The UTF-16 bytes of 丁丂七 also stand, shifted by one byte, inside İɎ͎ぎ: that is no match."""
    needle = "丁丂七"
    shifted = "\u0130\u024e\u034e\u304e"
    assert needle.encode("utf-16-le") in shifted.encode("utf-16-le")
    texts = [shifted, "上" + needle, shifted + needle, "丁丂", ""]
    path = tmp_path / "fold.npy"
    np.save(path, np.frombuffer("\x00".join(texts).encode("utf-16-le"), dtype=np.uint16))
    folded = FoldedTexts(path, np.array([len(t) for t in texts]))
    assert folded.contains(needle, np.arange(5)).tolist() == [False, True, True, False, False]
    assert folded.contains("丂", np.array([1, 3])).tolist() == [True, True]
    assert folded.count("丁", np.arange(5), np.arange(5)) == [0, 1, 1, 1, 0]
    assert folded.count("丁", np.array([0, 1]), np.array([4, 2])) == [3, 2]


def test_warm_loads_what_the_first_search_needs(engine, tmp_path):
    cold = SearchIndex(engine.index_dir)
    assert cold._generation is None
    cold.warm()
    generation = cold._generation[1]
    assert set(generation._derived) == {"bm25_norm", "recency", "keyness_words", "keyness_codes", "keyness_totals"}
    assert all(segment.folded._text is not None for segment in generation.segments)  # decoded for patterns
    assert cold.search(SearchRequest(q="职工书屋"))["hits"] == engine.search(SearchRequest(q="职工书屋"))["hits"]
    SearchIndex(tmp_path / "none").warm()  # no index yet: nothing to load, and no error


def test_the_typed_reader_names_every_column(tmp_path):
    from index.snapshot import latest_generation, read_columns, read_snapshot

    docs = tmp_path / "docs"
    docs.mkdir()
    write_markdown(docs, "a.md", "河北省总工会工作总结", ["## 一、职工书屋", "全省建成职工书屋1800家。", "职工书屋服务职工。"],
                   year=2021, province="河北省")
    update_index(tmp_path / "ix", [docs])
    (ref,) = read_snapshot(tmp_path / "ix", latest_generation(tmp_path / "ix")).segments
    columns = read_columns(tmp_path / "ix", ref.segment_id)
    assert columns.size == 4 and ref.live.tolist() == [True] * 4
    assert [columns.text(doc) for doc in range(4)] == [
        "河北省总工会工作总结", "一、职工书屋", "全省建成职工书屋1800家。", "职工书屋服务职工。"]
    assert columns.paragraph_ids(np.arange(4)) == [columns.paragraph_id(doc) for doc in range(4)]
    assert columns.position.tolist() == [0, 1, 2, 3] and columns.year.tolist() == [2021] * 4
    assert {columns.values["province"][code] for code in columns.codes["province"].tolist()} == {"河北省"}
    assert [columns.sections[code] for code in columns.section.tolist()] == ["", "", "一、职工书屋", "一、职工书屋"]
    vocab = {word: i for i, word in enumerate(columns.vocab)}
    span = columns.word_span(vocab["职工"])
    assert columns.word_docs[span].tolist() == [1, 2, 3] and columns.word_tf[span].tolist() == [1, 1, 2]
    assert columns.word_span(len(columns.vocab) + 5) is None
    assert columns.has_cooccurrence
    partners, counts = columns.partners(vocab["职工"])
    shared = dict(zip((columns.vocab[p] for p in partners.tolist()), counts.tolist()))
    assert shared.get("书屋") == 3  # 职工书屋 stands in three paragraphs with 职工
    # The by-name view still holds the same arrays, for readers not yet moved to the attributes.
    assert columns.arrays["word_docs"] is columns.word_docs and columns.tables["vocab"] is columns.vocab
