"""Literal matching spans, <mark> highlighting and snippets (search/highlight.py)."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from index.normalize import fold
from search.highlight import count_occurrences, find_spans, mark, occurrences, snippet

M = "<mark>{}</mark>".format


# --- find_spans ------------------------------------------------------------------------------


class TestFindSpans:
    def test_same_term_twice_in_one_paragraph(self):
        text = "本单位建成职工书屋两个，职工书屋藏书万册。"
        assert find_spans(text, ["职工书屋"]) == [(5, 9), (12, 16)]

    def test_overlapping_needles_become_one_span(self):
        assert find_spans("河北省总工会召开会议", ["省总", "总工会"]) == [(2, 6)]

    def test_touching_needles_become_one_span(self):
        assert find_spans("职工书屋", ["书屋", "职工"]) == [(0, 4)]

    def test_matches_separated_only_by_whitespace_are_one_span(self):
        assert find_spans("工会 工会", ["工会"]) == [(0, 5)]

    def test_separate_matches_stay_separate(self):
        assert find_spans("工会和工会", ["工会"]) == [(0, 2), (3, 5)]

    def test_phrase_across_spaces_covers_the_inner_spaces(self):
        text = "全年举办竞赛 75 场次"
        assert find_spans(text, ["竞赛75场次"]) == [(4, 12)]
        assert text[4:12] == "竞赛 75 场次"

    def test_whitespace_in_the_needle_is_ignored(self):
        assert find_spans("竞赛75场次", ["竞赛 75\u3000场次"]) == [(0, 6)]

    def test_phrase_across_line_break_and_ideographic_space(self):
        assert find_spans("职工\n书屋", ["职工书屋"]) == [(0, 5)]
        assert find_spans("职工\u3000\u3000书屋", ["职工书屋"]) == [(0, 6)]

    def test_zero_width_space_inside_a_word_is_ignored(self):
        assert find_spans("工\u200b会", ["工会"]) == [(0, 3)]

    def test_span_never_starts_or_ends_on_whitespace(self):
        assert find_spans("  工会  ", ["工会"]) == [(2, 4)]

    def test_full_width_letters_match_ascii_in_any_case(self):
        assert find_spans("开发ＡＰＰ一款", ["APP"]) == [(2, 5)]
        assert find_spans("开发ＡＰＰ一款", ["app"]) == [(2, 5)]
        assert find_spans("开发App一款", ["ＡＰＰ"]) == [(2, 5)]

    def test_kangxi_radical_matches_the_ideograph(self):
        assert find_spans("基层⼯会建设", ["工会"]) == [(2, 4)]
        assert find_spans("基层工会建设", ["⼯会"]) == [(2, 4)]

    def test_middle_dot_variants_match(self):
        assert find_spans("马克思・恩格斯", ["马克思·恩格斯"]) == [(0, 7)]

    def test_traditional_only_when_asked(self):
        assert find_spans("工會幹部培訓", ["工会干部"], traditional=True) == [(0, 4)]
        assert find_spans("工會幹部培訓", ["工会干部"]) == []

    def test_overlapping_occurrences_of_one_needle_are_all_covered(self):
        assert find_spans("aaa", ["aa"]) == [(0, 3)]

    def test_needle_with_interrupting_character_does_not_match(self):
        assert find_spans("工人会", ["工会"]) == []

    def test_empty_and_blank_needles_and_texts(self):
        assert find_spans("工会", ["", " ", "\u3000"]) == []
        assert find_spans("工会", []) == []
        assert find_spans("", ["工会"]) == []
        assert find_spans("   ", ["工会"]) == []

    def test_duplicate_needles_give_no_duplicate_spans(self):
        assert find_spans("工会工作", ["工会", "工会", "工 会"]) == [(0, 2)]

    def test_needles_may_be_any_iterable(self):
        assert find_spans("工会工作", (n for n in ["工作"])) == [(2, 4)]


def _brute_force_spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    """Every original (i, j) whose folded, whitespace-free text equals a needle; then merged."""
    folded = fold(text)
    patterns = {"".join(fold(n).split()) for n in needles} - {""}
    covered = [False] * len(text)
    for i in range(len(text)):
        if folded[i].isspace():
            continue
        for j in range(i + 1, len(text) + 1):
            if folded[j - 1].isspace():
                continue
            if "".join(folded[i:j].split()) in patterns:
                covered[i:j] = [True] * (j - i)
    spans: list[list[int]] = []
    for k, hit in enumerate(covered):
        if not hit:
            continue
        # Joining across a whitespace-only gap is the "touching" rule on stripped text.
        if spans and not folded[spans[-1][1] : k].strip():
            spans[-1][1] = k + 1
        else:
            spans.append([k, k + 1])
    return [(a, b) for a, b in spans]


# Few classes of equal folded characters (工⼯, Aaａ, spaces), so repeats and overlaps are common.
_ALPHABET = "工⼯会 \u3000\n\u200bAaＡ·・"


class TestAgainstBruteForce:
    @settings(max_examples=600, deadline=None)
    @given(st.text(alphabet=_ALPHABET, max_size=30), st.data())
    def test_find_spans_agrees_with_a_brute_force_scan(self, text, data):
        # Needles are random strings or pieces of the text, so real matches are frequent.
        piece = st.tuples(st.integers(0, len(text)), st.integers(1, 4)).map(
            lambda start_size: text[start_size[0] : start_size[0] + start_size[1]]
        )
        random = st.text(alphabet=_ALPHABET, min_size=1, max_size=4)
        needles = data.draw(st.lists(st.one_of(piece, random), max_size=3))
        assert find_spans(text, needles) == _brute_force_spans(text, needles)

    @settings(max_examples=200, deadline=None)
    @given(st.text(alphabet=_ALPHABET, max_size=30), st.text(alphabet=_ALPHABET, max_size=3))
    def test_count_occurrences_agrees_with_a_brute_force_scan(self, text, needle):
        stripped = "".join(fold(text).split())
        pattern = "".join(fold(needle).split())
        expected, i = 0, 0
        while pattern and i <= len(stripped) - len(pattern):
            if stripped[i : i + len(pattern)] == pattern:
                expected, i = expected + 1, i + len(pattern)
            else:
                i += 1
        assert count_occurrences(text, needle) == expected
        assert len(occurrences(text, needle)) == expected

    @settings(max_examples=200, deadline=None)
    @given(st.text(alphabet=_ALPHABET + "<>&\"'/mark", max_size=40), st.data())
    def test_mark_keeps_the_text_and_only_adds_tags(self, text, data):
        spans = data.draw(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=4))
        marked = mark(text, spans)
        assert html.unescape(re.sub("</?mark>", "", marked)) == text


# --- count_occurrences -----------------------------------------------------------------------


class TestCountOccurrences:
    def test_counts_across_whitespace(self):
        assert count_occurrences("工会工会 工会\n工\u3000会", "工会") == 4

    def test_non_overlapping(self):
        assert count_occurrences("aaaa", "aa") == 2
        assert count_occurrences("aaa", "aa") == 1

    def test_folded_forms(self):
        assert count_occurrences("ＡＰＰ、App、app", "APP") == 3
        assert count_occurrences("工會、工会", "工会", traditional=True) == 2
        assert count_occurrences("工會、工会", "工会") == 1

    def test_nothing_to_count(self):
        assert count_occurrences("工会", "") == 0
        assert count_occurrences("工会", " ") == 0
        assert count_occurrences("", "工会") == 0

    def test_occurrences_are_non_overlapping_original_offsets(self):
        assert occurrences("aaaa", "aa") == [(0, 2), (2, 4)]
        assert occurrences("竞赛 75 场次，竞赛75场次", "竞赛75场次") == [(0, 8), (9, 15)]


# --- mark ------------------------------------------------------------------------------------


class TestMark:
    def test_marks_each_span(self):
        text = "本单位建成职工书屋两个，职工书屋藏书万册。"
        assert mark(text, find_spans(text, ["职工书屋"])) == (
            f"本单位建成{M('职工书屋')}两个，{M('职工书屋')}藏书万册。"
        )

    def test_phrase_across_a_space_is_one_mark(self):
        text = "全年举办竞赛 75 场次"
        assert mark(text, find_spans(text, ["竞赛75场次"])) == f"全年举办{M('竞赛 75 场次')}"

    def test_escapes_markup_in_the_text(self):
        text = '<script>alert("工会")</script>误写</mark>与<mark>'
        assert mark(text, find_spans(text, ["工会"])) == (
            "&lt;script&gt;alert(&#34;" + M("工会") + "&#34;)&lt;/script&gt;"
            "误写&lt;/mark&gt;与&lt;mark&gt;"
        )

    def test_escapes_inside_a_mark(self):
        assert mark("a<b>c", [(1, 4)]) == "a" + M("&lt;b&gt;") + "c"

    def test_no_spans_is_just_escaped(self):
        assert mark("工会 & 职工 'x'", []) == "工会 &amp; 职工 &#39;x&#39;"

    def test_unsorted_overlapping_and_out_of_range_spans_are_tolerated(self):
        assert mark("河北省总工会", [(4, 6), (2, 5), (5, 99), (3, 3), (-5, 0)]) == f"河北{M('省总工会')}"

    def test_result_is_markup_so_templates_do_not_escape_it_again(self):
        result = mark("a<b", [])
        assert isinstance(result, Markup) and isinstance(result, str)
        assert Markup("{}").format(result) == "a&lt;b"


# --- snippet ---------------------------------------------------------------------------------


def _snip(text: str, needles: list[str], **kwargs) -> str:
    return snippet(text, find_spans(text, needles), **kwargs)


class TestSnippetWindows:
    def test_window_at_the_start(self):
        assert _snip("工会" + "甲" * 40, ["工会"], width=20) == M("工会") + "甲" * 18 + "…"

    def test_window_at_the_end(self):
        assert _snip("甲" * 40 + "工会", ["工会"], width=20) == "…" + "甲" * 18 + M("工会")

    def test_window_in_the_middle_is_centred(self):
        text = "甲" * 40 + "工会" + "乙" * 40
        assert _snip(text, ["工会"], width=20) == "…" + "甲" * 9 + M("工会") + "乙" * 9 + "…"

    def test_a_few_leftover_characters_are_included_instead_of_an_ellipsis(self):
        text = "甲" * 11 + "工会" + "乙" * 40
        assert _snip(text, ["工会"], width=20) == "甲" * 11 + M("工会") + "乙" * 9 + "…"

    def test_short_text_is_shown_whole(self):
        assert _snip("基层工会建设", ["工会"]) == "基层" + M("工会") + "建设"

    def test_two_windows_joined_by_an_ellipsis(self):
        text = "工会" + "甲" * 60 + "工会" + "乙" * 60
        assert _snip(text, ["工会"], width=20) == (
            M("工会") + "甲" * 18 + " … " + "甲" * 9 + M("工会") + "乙" * 9 + "…"
        )

    def test_close_matches_share_one_window(self):
        text = "甲" * 40 + "工会" + "乙" * 10 + "工会" + "丙" * 40
        assert _snip(text, ["工会"], width=20) == (
            "…" + "甲" * 3 + M("工会") + "乙" * 10 + M("工会") + "丙" * 3 + "…"
        )

    def test_windows_that_would_overlap_are_merged(self):
        text = "甲" * 20 + "工会" + "乙" * 17 + "工会" + "丙" * 40
        assert _snip(text, ["工会"], width=20) == (
            "…" + "甲" * 9 + M("工会") + "乙" * 17 + M("工会") + "丙" * 9 + "…"
        )

    def test_window_edge_extends_rather_than_cut_a_match(self):
        text = "甲" * 20 + "工会" + "乙" * 6 + "全国职工书屋示范点建设工作" + "丙" * 40
        result = _snip(text, ["工会", "全国职工书屋示范点建设工作"], width=20, max_windows=1)
        assert result == "…" + "甲" * 9 + M("工会") + "乙" * 6 + M("全国职工书屋示范点建设工作") + "…"

    def test_match_longer_than_the_width_is_shown_whole(self):
        text = "甲" * 30 + "工" * 25 + "乙" * 30
        assert snippet(text, [(30, 55)], width=20) == "…" + M("工" * 25) + "…"

    def test_window_edges_skip_whitespace(self):
        text = "甲" * 11 + " " + "乙" * 8 + "工会" + "丙" * 40
        assert _snip(text, ["工会"], width=20) == "…" + "乙" * 8 + M("工会") + "丙" * 9 + "…"

    def test_at_most_max_windows_preferring_new_terms(self):
        filler = "甲" * 30
        text = "工会" + filler + "工会" + filler + "工会" + filler + "书屋" + filler
        assert _snip(text, ["工会", "书屋"], width=20, max_windows=2) == (
            M("工会") + "甲" * 18 + " … " + "甲" * 9 + M("书屋") + "甲" * 9 + "…"
        )

    def test_default_width_shows_about_a_hundred_characters(self):
        text = "甲" * 300 + "职工书屋" + "乙" * 300
        result = _snip(text, ["职工书屋"])
        assert result == "…" + "甲" * 48 + M("职工书屋") + "乙" * 48 + "…"


class TestSnippetWithoutMatches:
    def test_first_width_characters(self):
        assert snippet("甲" * 50 + "乙" * 50, [], width=40) == "甲" * 40 + "…"

    def test_slightly_longer_text_is_shown_whole(self):
        assert snippet("甲" * 42, [], width=40) == "甲" * 42

    def test_empty_text(self):
        assert snippet("", []) == ""


class TestSnippetEscaping:
    def test_script_and_mark_in_text_are_escaped(self):
        text = "<script>x()</script>" + "甲" * 30 + "工会</mark>" + "乙" * 30
        assert _snip(text, ["工会"], width=20) == (
            "…" + "甲" * 9 + M("工会") + "&lt;/mark&gt;" + "乙" * 2 + "…"
        )

    def test_result_is_markup(self):
        assert isinstance(snippet("工会", [(0, 2)]), Markup)
