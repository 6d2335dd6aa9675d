"""Tests for index.analysis: jieba words with ordinals and offsets, sub-words, the user dictionary."""

from __future__ import annotations

from pathlib import Path

import jieba
import platformdirs

from index import analysis
from index.analysis import Analyzer
from index.normalize import fold

# jieba's own dictionary only, so expected tokens do not depend on the shipped userdict.
PLAIN = Analyzer(userdict=None)


def words(text: str, mode: str = "index") -> list[str]:
    return PLAIN.words_of_folded(fold(text), mode != "query")


# --- word tokens -----------------------------------------------------------------------------


class TestWordTokens:
    def test_plain_words(self):
        assert words("建设职工书屋") == ["建设", "职工", "书屋"]

    def test_subwords_come_before_their_parent(self):
        assert words("省总工会") == ["省", "总工", "工会", "总工会"]

    def test_query_mode_has_main_words_only(self):
        assert words("省总工会", mode="query") == ["省", "总工会"]

    def test_punctuation_is_dropped(self):
        assert words("加强“小三级”工会组织建设") == ["加强", "小", "三级", "工会", "组织", "工会组织", "建设"]
        assert words("会、站、家") == ["会", "站", "家"]

    def test_whitespace_is_transparent(self):
        assert words("新时代 再出发") == ["新", "时代", "再", "出发"]

    def test_number_connector_is_dropped(self):
        assert words("2.3万名职工") == ["2", "3", "万名", "职工"]

    def test_mixed_latin_is_lowercased(self):
        assert words("APP和OA系统") == ["app", "和", "oa", "系统"]

    def test_full_width_latin_folds(self):
        assert words("ＡＰＰ和ＯＡ系统") == words("APP和OA系统")

    def test_kangxi_radical(self):
        assert words("⼯会") == ["工会"]

    def test_no_stop_words_or_stemming(self):
        assert words("的了和 working") == ["的", "了", "和", "working"]

class TestSegment:
    def test_segment_is_query_words(self):
        assert PLAIN.query_words("省总工会、ＡＰＰ") == ["省", "总工会", "app"]

    def test_index_words_add_subwords(self):
        assert PLAIN.index_words("省总工会、ＡＰＰ") == ["省", "总工", "工会", "总工会", "app"]


def test_dedicated_jieba_instance_with_per_user_cache():
    segmenter = analysis.JiebaSegmenter("")
    assert segmenter.tk is not jieba.dt
    assert segmenter.tk.tmp_dir.startswith(platformdirs.user_cache_dir("unionsearch", appauthor=False))
    assert PLAIN.segmenter is PLAIN.segmenter
    assert analysis.analyzer_for(None) is analysis.analyzer_for(None)


def test_fingerprint_follows_user_dictionary(tmp_path):
    userdict = tmp_path / "userdict.txt"
    userdict.write_text("小三级 1000 n\n", encoding="utf-8")
    before = Analyzer(userdict).fingerprint
    assert len(before) == 16 and before != PLAIN.fingerprint
    userdict.write_text("# 只改注释\n小三级 1000 n\n", encoding="utf-8")
    assert Analyzer(userdict).fingerprint == before  # comments decide no word
    userdict.write_text("小三级 1000 n\n职工之家 1000 n\n", encoding="utf-8")
    assert Analyzer(userdict).fingerprint != before


def test_user_dictionary_is_folded_and_loaded(tmp_path):
    userdict = tmp_path / "userdict.txt"
    userdict.write_text("# 工会术语\n小三级 1000 n\nＯＡ系统 1000 n\n\n", encoding="utf-8")
    analyzer = Analyzer(userdict)
    assert analyzer.query_words("加强小三级建设，APP和OA系统") == ["加强", "小三级", "建设", "app", "和", "oa系统"]
    assert not analyzer.segmenter.is_word("#")


def test_an_analyzer_travels_to_worker_processes_by_its_dictionary(tmp_path):
    import pickle

    userdict = tmp_path / "userdict.txt"
    userdict.write_text("小三级 1000 n\n", encoding="utf-8")
    copy = pickle.loads(pickle.dumps(Analyzer(userdict)))
    assert copy.userdict == userdict and copy.query_words("小三级") == ["小三级"]
    assert pickle.loads(pickle.dumps(copy)) is copy  # one analyzer per dictionary and process


def test_rust_port_segments_exactly_like_jieba():
    """rjieba (the fast path) must give jieba's own words and sub-words, user dictionary included."""
    import index.analysis as analysis
    from index.normalize import fold

    sample = Path(__file__).resolve().parent.parent / "index" / "sample"
    text = fold("".join(p.read_text(encoding="utf-8") for p in sorted(sample.glob("*.txt"))))
    entries = analysis._userdict_text(analysis.USERDICT)
    results = []
    for segmenter in (analysis.JiebaSegmenter(entries), analysis.RustSegmenter(entries)):
        analyzer = Analyzer(analysis.USERDICT)
        analyzer._segmenter = segmenter
        results.append(list(analyzer.words_of_folded(text, True)))
    assert len(results[0]) > 70000
    assert results[0] == results[1]


def _plain_index_words(folded: str) -> list[str]:
    """The definition of index words, token by token with nothing remembered."""
    segmenter = PLAIN.segmenter
    out = []
    for word in segmenter.cut(folded):
        if not any(c.isalnum() for c in word):
            continue  # white space and punctuation
        if len(word) > 2:
            out += [word[i:i + 2] for i in range(len(word) - 1) if segmenter.is_word(word[i:i + 2])]
        if len(word) > 3:
            out += [word[i:i + 3] for i in range(len(word) - 2) if segmenter.is_word(word[i:i + 3])]
        out.append(word)
    return out


def test_remembered_contributions_give_the_plain_definition():
    sample = Path(__file__).resolve().parent.parent / "index" / "sample"
    lines = [fold(line) for p in sorted(sample.glob("*.txt")) for line in p.read_text(encoding="utf-8").splitlines()]
    lines += ["app 3.5% c++ a-b", "2023年1-6月", "\u3000\u3000", "，。"]
    for line in lines:
        assert PLAIN.words_of_folded(line, subwords=True) == _plain_index_words(line), line
        assert PLAIN.words_of_folded(line, subwords=False) == [w for w in PLAIN.segmenter.cut(line)
                                                                if any(c.isalnum() for c in w)], line
    # Looked up a second time, from what was remembered: still the same.
    assert [PLAIN.words_of_folded(line, subwords=True) for line in lines] == [_plain_index_words(line) for line in lines]
    assert len(PLAIN.segmenter.contributions[True]) > 3000
