"""Tests for index.normalize: fold, display_clean, undo_fake_bold."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import normalize
from index.normalize import display_clean, fold, undo_fake_bold

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "index" / "sample"


# --- fold ------------------------------------------------------------------------------------


class TestFold:
    def test_kangxi_radicals_become_ideographs(self):
        assert fold("⼯会⼤会") == "工会大会"

    def test_radical_supplement_becomes_ideographs(self):
        # NFKC leaves the supplement block alone; the shipped table covers it.
        assert fold("⻚⺠") == "页民"

    def test_compatibility_ideographs_become_unified(self):
        assert fold("\uf900\uf9b1") == "\u8c48\u9234"

    def test_full_width_ascii_becomes_lowercase_ascii(self):
        assert fold("ＡＰＰ和ＯＡ系统１２３（ｘ）") == "app和oa系统123(x)"

    def test_ascii_letters_are_lowercased(self):
        assert fold("APP和OA系统 Word") == "app和oa系统 word"

    def test_ideographic_and_other_spaces_become_space(self):
        assert fold("目\u3000录\u00a0一\u2003二\u200b三") == "目 录 一 二 三"

    def test_middle_dot_family_becomes_one_dot(self):
        assert fold("中国梦\u00b7劳动美\u2022\u30fb\u2027\uff65\u2219\u22c5") == "中国梦·劳动美······"

    def test_halfwidth_ideographic_punctuation(self):
        assert fold("\uff62会\uff64站\uff63\uff61") == "「会、站」。"

    @pytest.mark.parametrize("text", ["职工书屋、“小三级”。《》【】", "……——①②", "2020年", "省总工会"])
    def test_chinese_punctuation_outside_full_width_ascii_unchanged(self, text):
        # NFKC would turn … into ... and ① into 1, changing lengths; fold must not.
        assert fold(text) == text

    def test_full_width_ascii_punctuation_folds(self):
        assert fold("会，站；家：好？！") == "会,站;家:好?!"

    def test_length_is_kept_on_mixed_text(self):
        text = "\u3000\u3000⼯会ＡＰＰ·•…①\uf900\U0002f800豈ｆｏｏ"
        assert len(fold(text)) == len(text)

    def test_traditional_only_when_asked(self):
        assert fold("職工書屋臺灣") == "職工書屋臺灣"
        assert fold("職工書屋臺灣", traditional=True) == "职工书屋台湾"

    def test_traditional_after_radicals(self):
        # ⾨ is the Kangxi radical for 門, which t2s then simplifies.
        assert fold("⾨", traditional=True) == "门"

    def test_traditional_keeps_length_when_converter_changes_it(self, monkeypatch):
        class Expanding:
            def convert(self, text: str) -> str:
                return text.replace("甲", "甲乙").replace("國", "国")

        monkeypatch.setattr(normalize, "_t2s", lambda: Expanding())
        assert fold("甲國", traditional=True) == "甲国"


# --- display_clean ---------------------------------------------------------------------------


class TestDisplayClean:
    def test_radicals_become_ideographs(self):
        assert display_clean("沧州市⼯会第⼗次代表⼤会") == "沧州市工会第十次代表大会"

    def test_indentation_removed_and_punctuation_kept(self):
        assert display_clean("\u3000\u3000中国工会十七大以来，“全总”（ＡＣＦＴＵ）：１８个。") == (
            "中国工会十七大以来，“全总”（ＡＣＦＴＵ）：１８个。"
        )

    def test_inner_ideographic_spaces_become_one_space(self):
        assert display_clean("目\u3000录") == "目 录"
        assert display_clean("工作综述\u3000\u30001") == "工作综述 1"

    def test_invisible_characters_dropped(self):
        assert display_clean("职工\u200b书屋\ufeff") == "职工书屋"

    def test_plain_text_unchanged(self):
        text = "建成各级职工书屋1800多家，获全国总工会“职工书屋建设组织推进示范单位”称号。"
        assert display_clean(text) == text


# --- undo_fake_bold --------------------------------------------------------------------------


class TestUndoFakeBoldRepairs:
    def test_heading_with_doubled_quotes(self):
        line = "凝聚凝聚““主力军主力军””力量力量 助推高质量发展助推高质量发展"
        assert undo_fake_bold(line) == "凝聚“主力军”力量 助推高质量发展"

    def test_whole_line_repeated(self):
        assert undo_fake_bold("正在建设中的新工人文化宫正在建设中的新工人文化宫") == "正在建设中的新工人文化宫"

    def test_doubled_enumeration_comma(self):
        assert undo_fake_bold("一、一、总体要求总体要求") == "一、总体要求"

    def test_bold_lead_in_followed_by_regular_text(self):
        line = "一是加强组织建设。一是加强组织建设。全市新建工会组织1400余家"
        assert undo_fake_bold(line) == "一是加强组织建设。全市新建工会组织1400余家"

    def test_leading_whitespace_kept(self):
        assert undo_fake_bold("\u3000\u3000新工人文化宫新工人文化宫") == "\u3000\u3000新工人文化宫"

    def test_mixed_latin(self):
        assert undo_fake_bold("APPAPP和和OA系统OA系统") == "APP和OA系统"


MUST_NOT_CHANGE = [
    "常常",
    "天天",
    "一个个",
    "看看",
    "研究研究",
    "高高兴兴",
    "轰轰烈烈",
    "谢谢",
    "谢谢谢谢",
    "一步一步",
    "一步一步地推进",
    "2020年2020",
    "20202020",
    "12341234",
    "讨论讨论研究研究",
    "高高兴兴快快乐乐平平安安",
    "哈哈哈哈哈哈哈哈",
    "————————",
    "……",
    "！！！！",
    "研究研究再研究，常常看看",
    "各级各类工会组织年年开展层层落实",
    "年年岁岁花相似，岁岁年年人不同。",
    "层层压实责任，层层传导压力，各级各类工会组织要常常研究研究，天天向上。",
    # A bold lead-in shorter than the rest of the line is left alone (not "most of the line").
    "一是加强组织建设。一是加强组织建设。全市新建工会组织1400余家，发展会员20万余人，"
    "基层工会组织达12493家",
    "",
    "   ",
]


@pytest.mark.parametrize("line", MUST_NOT_CHANGE)
def test_undo_fake_bold_leaves_real_text(line):
    assert undo_fake_bold(line) == line


def test_undo_fake_bold_sample_corpus_changes_only_the_doubled_lines():
    changed = []
    for path in sorted(SAMPLE_DIR.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if undo_fake_bold(line) != line:
                changed.append(undo_fake_bold(line))
    assert changed == ["凝聚“主力军”力量 助推高质量发展", "正在建设中的新工人文化宫"]


def test_undo_fake_bold_long_adversarial_lines_are_bounded():
    # Paragraph-length input is only scanned on its first few hundred characters.
    assert undo_fake_bold("哈" * 20000) == "哈" * 20000
    assert undo_fake_bold("工会" * 10000) == "工会" * 10000
