"""Segmenting many texts in one call (search/segmenting.py) gives each text's own words."""

from __future__ import annotations

import pytest

from index.analysis import default_analyzer, segment
from index.normalize import fold
from search.segmenting import words_of_texts
from tests.search_fixtures import engine, oracle  # noqa: F401

ODD = ["", " ", "，", "。劳模", "劳模。", "ＡＰＰ和OA系统", "12.5%的职工", "a-b c", "中国\t工会", "省总工会、ＡＰＰ",
       "弘扬劳模精神", "弘扬劳模精神", "x", "全国职工书屋示范点建设工作"]


def stretches(oracle) -> list[str]:
    """Return stretches of real paragraph text, cut at odd places (mid-word, mid-number)."""
    out = []
    for text in list(oracle.squeezed.values())[:300]:
        for at in range(0, len(text), 7):
            out.append(text[at:at + 23])
    return out


@pytest.mark.parametrize("folded", [False, True])
def test_each_text_gets_its_own_words(oracle, folded):
    texts = ODD + stretches(oracle)
    expected = ([default_analyzer().words_of_folded(t, subwords=False) for t in texts] if folded
                else [segment(t) for t in texts])
    assert words_of_texts(texts, folded=folded) == expected
    assert len(texts) > 1000 and any(expected)


def test_a_text_with_a_nul_is_cut_on_its_own():
    texts = ["劳模\x00精神", "工匠"]
    assert words_of_texts(texts) == [segment("劳模\x00精神"), ["工匠"]]
    assert words_of_texts([]) == []
    assert words_of_texts(["ＡＰＰ"]) == [[fold("ＡＰＰ")]] == [segment("ＡＰＰ")]
