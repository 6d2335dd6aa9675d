"""Union vocabulary: query-time synonym groups and the jieba user dictionary."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import jieba
import pytest

from search.synonyms import Synonyms, load_synonyms

USERDICT = Path(__file__).resolve().parents[1] / "index" / "data" / "userdict.txt"


@pytest.fixture(scope="module")
def synonyms() -> Synonyms:
    return load_synonyms()


class TestShippedSynonyms:
    def test_group_count(self, synonyms: Synonyms) -> None:
        assert len(synonyms.groups) >= 150
        assert len(synonyms.expansions) == 14
        assert len(synonyms) == len(synonyms.groups) + 14

    @pytest.mark.parametrize(
        "term, expected",
        [
            ("全总", ["中华全国总工会", "全国总工会"]),
            ("全国总工会", ["全总", "中华全国总工会"]),
            ("职代会", ["职工代表大会"]),
            ("职工代表大会", ["职代会"]),
            ("省总", ["省总工会"]),
            ("产改", ["产业工人队伍建设改革", "产业工人队伍改革"]),
            ("农民工", ["进城务工人员", "外来务工人员"]),
            ("职工服务中心", ["职工帮扶中心", "困难职工帮扶中心"]),
            ("劳模", ["劳动模范"]),
            ("会、站、家", ["会站家"]),
            ("微信", ["AAA"]),
        ],
    )
    def test_equivalence(self, synonyms: Synonyms, term: str, expected: list[str]) -> None:
        assert synonyms.expand(term) == expected

    def test_umbrella_expands_one_way(self, synonyms: Synonyms) -> None:
        assert synonyms.expand("四送") == ["春送岗位", "夏送清凉", "金秋助学", "冬送温暖"]
        assert synonyms.expand("金秋助学") == []
        assert synonyms.expand("五小") == ["小发明", "小创造", "小革新", "小设计", "小建议"]

    def test_term_in_group_and_expansion_gets_both(self, synonyms: Synonyms) -> None:
        assert synonyms.expand("货车司机") == ["卡车司机", "货运司机"]
        assert "货车司机" in synonyms.expand("八大群体")

    def test_width_and_case_do_not_matter(self, synonyms: Synonyms) -> None:
        assert synonyms.expand("ＡＰＰ") == ["客户端"]
        assert synonyms.expand(" app ") == ["客户端"]
        assert synonyms.expand("ｑｃ小组") == ["质量管理小组", "质量小组"]

    def test_unknown_term_has_no_synonyms(self, synonyms: Synonyms) -> None:
        assert synonyms.expand("职工") == []
        assert synonyms.expand("") == []

    def test_expand_returns_a_fresh_list(self, synonyms: Synonyms) -> None:
        synonyms.expand("全总").append("x")
        assert synonyms.expand("全总") == ["中华全国总工会", "全国总工会"]


def _load(tmp_path: Path, body: str) -> Synonyms:
    path = tmp_path / "synonyms.txt"
    path.write_text(body, encoding="utf-8")
    return load_synonyms(path)


class TestFileFormat:
    def test_comments_blank_lines_and_full_width_separators(self, tmp_path: Path) -> None:
        body = "\ufeff# 注释\n\n职代会 ＝ 职工代表大会  # 行尾注释\n四送 ＝＞ 春送岗位，冬送温暖\n"
        synonyms = _load(tmp_path, body)
        assert synonyms.groups == [("职代会", "职工代表大会")]
        assert synonyms.expansions == [("四送", ("春送岗位", "冬送温暖"))]

    @pytest.mark.parametrize(
        "line, message",
        [
            ("职代会", "at least two terms"),
            ("职代会 = = 职工代表大会", "empty term"),
            ("职代会 = 职工代表大会 =", "empty term"),
            ("职代会, 职工代表大会", "separate equivalent terms with '='"),
            ("职代会 = 职代会", "same term appears twice"),
            ("四送 => ", "empty term"),
            ("四送 = 四项 => 春送岗位", "one-way expansion"),
            ("四送, 四项 => 春送岗位", "one term before '=>'"),
            ("四送 => 春送岗位 => 冬送温暖", "one-way expansion"),
            ("四送 => 四送, 春送岗位", "expands to itself"),
        ],
    )
    def test_malformed_line_names_its_number(self, tmp_path: Path, line: str, message: str) -> None:
        with pytest.raises(ValueError, match=rf"synonyms.txt line 3: .*{re.escape(message)}"):
            _load(tmp_path, f"# 头\n全总 = 全国总工会\n{line}\n")

    def test_term_in_two_groups_rejected(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match=r"line 2: '全总' is already in the group on line 1"):
            _load(tmp_path, "全总 = 全国总工会\n全总 = 中华全国总工会\n")

    def test_source_expanded_twice_rejected(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match=r"line 2: '四送' is already expanded on line 1"):
            _load(tmp_path, "四送 => 春送岗位\n四送 => 冬送温暖\n")


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory: pytest.TempPathFactory) -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    # A per-test cache folder, so that nothing lands in the shared system temp directory.
    tokenizer.tmp_dir = str(tmp_path_factory.mktemp("jieba"))
    # A file object, not a path: jieba leaves a file it opened itself unclosed.
    with USERDICT.open("rb") as handle:
        tokenizer.load_userdict(handle)
    return tokenizer


class TestUserDictionary:
    def test_format_and_size(self) -> None:
        lines = USERDICT.read_text(encoding="utf-8").splitlines()
        assert len(lines) >= 400
        words = []
        for line in lines:
            word, freq, tag = line.split(" ")
            assert 2000 <= int(freq) <= 20000, line
            assert tag in {"n", "nz", "nt", "j", "vn"}, line
            assert re.fullmatch(r"[\u4e00-\u9fff0-9]{2,}", word), line
            words.append(word)
        assert len(set(words)) == len(words)

    @pytest.mark.parametrize(
        "sentence, tokens",
        [
            ("全市建成职工书屋1800多家", ["全市", "建成", "职工书屋", "1800", "多家"]),
            ("深入推进产业工人队伍建设改革", ["深入", "推进", "产业工人队伍建设改革"]),
            ("推动八大群体建会入会", ["推动", "八大群体", "建会入会"]),
            ("加强小三级工会建设", ["加强", "小三级", "工会", "建设"]),
            ("规范职代会和厂务公开", ["规范", "职代会", "和", "厂务公开"]),
            ("建成户外劳动者驿站和爱心妈妈小屋", ["建成", "户外劳动者驿站", "和", "爱心妈妈小屋"]),
        ],
    )
    def test_union_terms_stay_whole(self, tokenizer: jieba.Tokenizer, sentence: str, tokens: list[str]) -> None:
        assert tokenizer.lcut(sentence, HMM=False) == tokens

    @pytest.mark.parametrize(
        "sentence, tokens",
        [
            ("贵州省总工会", ["贵州省", "总工会"]),
            ("沧州市总工会改革方案", ["沧州市", "总工会", "改革方案"]),
            ("动员全市劳模等先进人物", ["动员", "全市", "劳模", "等", "先进人物"]),
            ("生产改进和城市总体规划", ["生产", "改进", "和", "城市", "总体规划"]),
        ],
    )
    def test_place_names_and_common_words_unchanged(
        self, tokenizer: jieba.Tokenizer, sentence: str, tokens: list[str]
    ) -> None:
        assert tokenizer.lcut(sentence, HMM=False) == tokens
