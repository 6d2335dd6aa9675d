"""Tests for index.analysis: word and character tokenizers, and phrase search through Whoosh."""

from __future__ import annotations

import pickle
from pathlib import Path

import jieba
import platformdirs
import pytest
from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser
from whoosh.query import Phrase

from index import analysis
from index.analysis import (
    CharTokenizer,
    WordTokenizer,
    char_analyzer,
    segment,
    segment_chars,
    word_analyzer,
)


@pytest.fixture(scope="module", autouse=True)
def plain_dictionary():
    """Use jieba's own dictionary only, so expected tokens do not depend on the shipped userdict."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(analysis, "USERDICT", analysis.USERDICT.with_name("no-such-userdict.txt"))
        analysis.reset()
        yield
    analysis.reset()


def words(text: str, mode: str = "index") -> list[tuple[str, int, int, int]]:
    tokens = word_analyzer()(text, positions=True, chars=True, mode=mode)
    return [(t.text, t.pos, t.startchar, t.endchar) for t in tokens]


def chars(text: str) -> list[tuple[str, int, int, int]]:
    tokens = char_analyzer()(text, positions=True, chars=True)
    return [(t.text, t.pos, t.startchar, t.endchar) for t in tokens]


# --- word tokens -----------------------------------------------------------------------------


class TestWordTokens:
    def test_plain_words(self):
        assert words("建设职工书屋") == [("建设", 0, 0, 2), ("职工", 1, 2, 4), ("书屋", 2, 4, 6)]

    def test_subwords_share_parent_position(self):
        assert words("省总工会") == [
            ("省", 0, 0, 1),
            ("总工", 1, 1, 3),
            ("工会", 1, 2, 4),
            ("总工会", 1, 1, 4),
        ]

    def test_query_mode_has_main_words_only(self):
        assert words("省总工会", mode="query") == [("省", 0, 0, 1), ("总工会", 1, 1, 4)]

    def test_punctuation_dropped_but_leaves_a_gap(self):
        assert words("加强“小三级”工会组织建设") == [
            ("加强", 0, 0, 2),
            ("小", 2, 3, 4),
            ("三级", 3, 4, 6),
            ("工会", 5, 7, 9),
            ("组织", 5, 9, 11),
            ("工会组织", 5, 7, 11),
            ("建设", 6, 11, 13),
        ]
        assert words("会、站、家") == [("会", 0, 0, 1), ("站", 2, 2, 3), ("家", 4, 4, 5)]

    def test_whitespace_is_transparent(self):
        assert words("新时代 再出发") == [
            ("新", 0, 0, 1),
            ("时代", 1, 1, 3),
            ("再", 2, 4, 5),
            ("出发", 3, 5, 7),
        ]

    def test_number_connector_leaves_no_gap(self):
        assert words("2.3万名职工") == [
            ("2", 0, 0, 1),
            ("3", 1, 2, 3),
            ("万名", 2, 3, 5),
            ("职工", 3, 5, 7),
        ]

    def test_mixed_latin_is_lowercased(self):
        assert words("APP和OA系统") == [
            ("app", 0, 0, 3),
            ("和", 1, 3, 4),
            ("oa", 2, 4, 6),
            ("系统", 3, 6, 8),
        ]

    def test_full_width_latin_folds_with_original_offsets(self):
        assert words("ＡＰＰ和ＯＡ系统") == words("APP和OA系统")

    def test_kangxi_radical(self):
        assert words("⼯会") == [("工会", 0, 0, 2)]

    def test_start_pos_and_start_char(self):
        tokens = word_analyzer()("职工书屋", positions=True, chars=True, start_pos=10, start_char=100)
        assert [(t.text, t.pos, t.startchar, t.endchar) for t in tokens] == [
            ("职工", 10, 100, 102),
            ("书屋", 11, 102, 104),
        ]

    def test_no_stop_words_or_stemming(self):
        assert [w for w, *_ in words("的了和 working")] == ["的", "了", "和", "working"]

    def test_keeporiginal_is_original_text(self):
        tokens = word_analyzer()("ＡＰＰ系统", keeporiginal=True)
        assert [(t.text, t.original) for t in tokens] == [("app", "ＡＰＰ"), ("系统", "系统")]


class TestSegment:
    def test_segment_is_query_words(self):
        assert segment("省总工会、ＡＰＰ") == ["省", "总工会", "app"]

    def test_segment_chars(self):
        assert segment_chars("省总 ⼯会，") == ["省", "总", "工", "会", ","]


# --- char tokens -----------------------------------------------------------------------------


class TestCharTokens:
    def test_positions_skip_whitespace_offsets_do_not(self):
        assert chars("省总 工会，⼯") == [
            ("省", 0, 0, 1),
            ("总", 1, 1, 2),
            ("工", 2, 3, 4),
            ("会", 3, 4, 5),
            (",", 4, 5, 6),
            ("工", 5, 6, 7),
        ]

    def test_ideographic_space_and_full_width(self):
        assert chars("\u3000Ａ") == [("a", 0, 1, 2)]


# --- jieba instance, fingerprint, pickling -------------------------------------------------------


def test_dedicated_jieba_instance_with_per_user_cache():
    segmenter = analysis.JiebaSegmenter("")
    assert segmenter.tk is not jieba.dt
    assert segmenter.tk.tmp_dir.startswith(platformdirs.user_cache_dir("unionsearch", appauthor=False))
    assert analysis._jieba() is analysis._jieba()


def test_fingerprint_follows_user_dictionary(tmp_path, monkeypatch):
    before = analysis.analysis_fingerprint()
    userdict = tmp_path / "userdict.txt"
    userdict.write_text("小三级 1000 n\n", encoding="utf-8")
    monkeypatch.setattr(analysis, "USERDICT", userdict)
    assert analysis.analysis_fingerprint() != before
    assert len(before) == 16


def test_analyzers_pickle_by_module_path():
    for analyzer in (word_analyzer(), char_analyzer()):
        data = pickle.dumps(analyzer)
        assert b"index.analysis" in data
        assert pickle.loads(data) == analyzer


# --- through a real Whoosh index ---------------------------------------------------------------

DOCS = {
    "a": "建成各级职工书屋1800多家，获全国总工会“职工书屋建设组织推进示范单位”称号。",
    "b": "省总工会召开全省职工代表大会。",
    "c": "加强“小三级”工会组织建设，推动八大群体建会入会。",
    "d": "职工，书屋和文化宫同步建设；总工会省级示范。",
    "e": "三级小组 小 三级",
}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ix")
    schema = Schema(
        id=ID(stored=True),
        body=TEXT(analyzer=word_analyzer(), phrase=True, chars=True, stored=True),
        chars=TEXT(analyzer=char_analyzer(), phrase=True),
    )
    ix = whoosh_index.create_in(str(folder), schema)
    with ix.writer() as w:
        for key, text in DOCS.items():
            w.add_document(id=key, body=text, chars=text)
    # Reopen from disk: the schema, analyzers included, comes back from the pickled TOC.
    ix = whoosh_index.open_dir(str(folder))
    assert isinstance(ix.schema["body"].analyzer, WordTokenizer)
    assert isinstance(ix.schema["chars"].analyzer, CharTokenizer)
    with ix.searcher() as s:
        yield s


def hits(searcher, query) -> list[str]:
    return sorted(hit["id"] for hit in searcher.search(query, limit=None))


class TestWhooshPhrases:
    def test_quoted_phrase_on_word_field(self, searcher):
        query = QueryParser("body", searcher.schema).parse('"职工书屋"')
        assert hits(searcher, query) == ["a"]

    def test_phrase_does_not_cross_punctuation_or_reverse(self, searcher):
        parser = QueryParser("body", searcher.schema)
        assert hits(searcher, parser.parse('"书屋职工"')) == []
        assert hits(searcher, parser.parse('"书屋建设组织"')) == ["a"]
        assert hits(searcher, parser.parse('"建设推动"')) == []

    def test_subword_term_matches(self, searcher):
        query = QueryParser("body", searcher.schema).parse("工会")
        assert hits(searcher, query) == ["a", "b", "c", "d"]

    def test_char_phrase_inside_a_word(self, searcher):
        assert hits(searcher, Phrase("chars", segment_chars("省总"))) == ["b"]

    def test_char_phrase_across_segmentation(self, searcher):
        assert hits(searcher, Phrase("chars", segment_chars("小三级"))) == ["c", "e"]
        assert hits(searcher, QueryParser("chars", searcher.schema).parse('"小三级"')) == ["c", "e"]

    def test_char_phrase_absent(self, searcher):
        assert hits(searcher, Phrase("chars", segment_chars("三级小三"))) == []
        assert hits(searcher, Phrase("chars", segment_chars("总省"))) == []

    def test_stored_offsets_point_into_stored_text(self, searcher):
        docnum = searcher.document_number(id="a")
        matcher = searcher.postings("body", "书屋")
        matcher.skip_to(docnum)
        spans = [(span.startchar, span.endchar) for span in matcher.spans()]
        assert [DOCS["a"][s:e] for s, e in spans] == ["书屋", "书屋"]


# --- user dictionary (last: it reloads jieba) ---------------------------------------------------


def test_user_dictionary_is_folded_and_loaded(tmp_path, monkeypatch):
    userdict = tmp_path / "userdict.txt"
    userdict.write_text("# 工会术语\n小三级 1000 n\nＯＡ系统 1000 n\n\n", encoding="utf-8")
    monkeypatch.setattr(analysis, "USERDICT", userdict)
    analysis.reset()  # reset again by the module fixture: this test runs last on purpose
    assert segment("加强小三级建设，APP和OA系统") == ["加强", "小三级", "建设", "app", "和", "oa系统"]
    assert not analysis._jieba().is_word("#")


def test_rust_port_segments_exactly_like_jieba():
    """rjieba (the fast path) must give jieba's own words and sub-words, user dictionary included."""
    import index.analysis as analysis
    from index.normalize import fold

    sample = Path(__file__).resolve().parent.parent / "index" / "sample"
    text = fold("".join(p.read_text(encoding="utf-8") for p in sorted(sample.glob("*.txt"))))
    entries = analysis._userdict_text(analysis.USERDICT)
    results = []
    saved = analysis._state["tokenizer"]
    try:
        for segmenter in (analysis.JiebaSegmenter(entries), analysis.RustSegmenter(entries)):
            analysis._state["tokenizer"] = segmenter
            results.append(list(analysis._words(text, True)))
    finally:
        analysis._state["tokenizer"] = saved
    assert len(results[0]) > 70000
    assert results[0] == results[1]
