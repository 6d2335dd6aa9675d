"""Keyword-in-context lines and their sorting (search/kwic_lines.py)."""

from __future__ import annotations

import dataclasses

import pytest

from search.kwic_lines import KwicLine, kwic_lines, sort_lines

PARAGRAPH = "本单位建成职工书屋两个，职工书屋藏书万册。"


class TestKwicLines:
    def test_one_line_per_occurrence_with_context(self):
        assert kwic_lines(PARAGRAPH, "a1-p3", "职工书屋", context=5) == [
            KwicLine(left="本单位建成", match="职工书屋", right="两个，职工", paragraph_id="a1-p3"),
            KwicLine(left="书屋两个，", match="职工书屋", right="藏书万册。", paragraph_id="a1-p3"),
        ]

    def test_context_is_cut_at_the_paragraph_edges(self):
        assert kwic_lines("工会组织", "p", "工会", context=30) == [
            KwicLine(left="", match="工会", right="组织", paragraph_id="p")
        ]

    def test_zero_context(self):
        assert kwic_lines("甲工会乙", "p", "工会", context=0) == [KwicLine("", "工会", "", "p")]

    def test_match_keeps_the_original_characters(self):
        assert kwic_lines("全年举办竞赛 75 场次", "p", "竞赛75场次", context=2) == [
            KwicLine(left="举办", match="竞赛 75 场次", right="", paragraph_id="p")
        ]
        assert kwic_lines("开发ＡＰＰ一款", "p", "app", context=2) == [
            KwicLine(left="开发", match="ＡＰＰ", right="一款", paragraph_id="p")
        ]
        assert kwic_lines("基层⼯會", "p", "工会", context=2, traditional=True) == [
            KwicLine(left="基层", match="⼯會", right="", paragraph_id="p")
        ]

    def test_newlines_become_spaces(self):
        assert kwic_lines("第一行\n职工\r\n书屋\r建设", "p", "职工书屋", context=3) == [
            KwicLine(left="一行 ", match="职工 书屋", right=" 建设", paragraph_id="p")
        ]

    def test_occurrences_do_not_overlap_and_are_not_merged(self):
        assert kwic_lines("aaaa", "p", "aa", context=1) == [
            KwicLine("", "aa", "a", "p"),
            KwicLine("a", "aa", "", "p"),
        ]
        assert [line.match for line in kwic_lines("工会工会", "p", "工会")] == ["工会", "工会"]

    def test_no_occurrence_or_blank_needle(self):
        assert kwic_lines(PARAGRAPH, "p", "工会") == []
        assert kwic_lines(PARAGRAPH, "p", " ") == []
        assert kwic_lines("", "p", "工会") == []

    def test_lines_are_frozen_plain_text(self):
        line = kwic_lines("<b>工会</b>", "p", "工会")[0]
        assert (line.left, line.right) == ("<b>", "</b>")
        with pytest.raises(dataclasses.FrozenInstanceError):
            line.left = "x"  # type: ignore[misc]


def _line(left: str, right: str = "", pid: str = "p") -> KwicLine:
    return KwicLine(left=left, match="工会", right=right, paragraph_id=pid)


class TestSortLines:
    def test_left_sorts_by_the_characters_nearest_the_match(self):
        lines = [_line("甲乙"), _line("丙乙"), _line("甲丙")]
        # Reversed keys: 乙甲, 乙丙, 丙甲; code points 丙 < 乙 < 甲.
        assert [x.left for x in sort_lines(lines, "left")] == ["甲丙", "丙乙", "甲乙"]

    def test_right_sorts_by_the_following_text(self):
        lines = [_line("", "甲乙"), _line("", "丙乙"), _line("", "乙丙")]
        assert [x.right for x in sort_lines(lines, "right")] == ["丙乙", "乙丙", "甲乙"]

    def test_ties_by_paragraph_then_original_position(self):
        first, second = _line("市总", "一", "b"), _line("市总", "二", "b")
        other = _line("市总", "三", "a")
        assert sort_lines([first, second, other], "left") == [other, first, second]

    def test_spacing_does_not_split_groups(self):
        spaced = _line("", "职工 书屋", "b")
        joined = _line("", "职工书屋", "a")
        other = _line("", "职工之家", "c")  # 之 U+4E4B sorts before 书 U+4E66
        assert sort_lines([spaced, other, joined], "right") == [other, joined, spaced]
        assert sort_lines([_line("会\n市总", "", "b"), _line("会市总", "", "a")], "left") == [
            _line("会市总", "", "a"),
            _line("会\n市总", "", "b"),
        ]

    def test_input_is_not_changed(self):
        lines = [_line("乙"), _line("甲")]
        sort_lines(lines, "left")
        assert [x.left for x in lines] == ["乙", "甲"]

    def test_unknown_key(self):
        with pytest.raises(ValueError, match="unknown sort key 'middle'"):
            sort_lines([], "middle")
