"""Cleaning: rejoining wrapped lines, junk removal, contents pages, line shapes."""

import pytest

from index.articles import clean_blocks
from index.contents import find_contents, locate_articles
from index.junk import load_junk_rules
from index.lines import display_width, ends_sentence, is_byline, looks_like_heading, toc_entry
from index.model import Block
from index.paragraphs import join_lines, rejoin, wrap_width


def lines(text: str) -> list[Block]:
    return [Block(line, wrapped=True) for line in text.split("\n")]


def texts(text: str) -> list[str]:
    return [p.text for p in rejoin(lines(text))]


WRAPPED = """牢牢把握工会工作的根本原则，思想
引领坚定有力。坚持党的领导，持续推动
习近平新时代中国特色社会主义思想进企
业、进车间，举办系列演讲比赛、各类培训
宣讲505场次，建立职工读书小组1278个，

“大学习”课堂1852期，开展职工诵读活动
485场次，团结动员全市广大职工听党话、
跟党走。

牢牢把握工运事业的时代主题，服务
大局扎实有效。强化建功立业，聚焦打赢
“三大攻坚战”等战略目标和市重大工程。"""


def test_wrapped_lines_rejoin_across_page_break_blank_lines():
    assert texts(WRAPPED) == [
        "牢牢把握工会工作的根本原则，思想引领坚定有力。坚持党的领导，持续推动习近平新时代中国特色社会主义"
        "思想进企业、进车间，举办系列演讲比赛、各类培训宣讲505场次，建立职工读书小组1278个，“大学习”课堂"
        "1852期，开展职工诵读活动485场次，团结动员全市广大职工听党话、跟党走。",
        "牢牢把握工运事业的时代主题，服务大局扎实有效。强化建功立业，聚焦打赢“三大攻坚战”等战略目标和市重大工程。",
    ]


def test_wrap_width_is_found_for_wrapped_text_and_none_for_long_lines():
    assert wrap_width(WRAPPED.split("\n")) == 36
    sentence = "全市各级工会组织以习近平新时代中国特色社会主义思想为指导，认真学习贯彻重要论述。"
    long_lines = [sentence * (1 + n % 4) + "职工" * n for n in range(10)]
    assert wrap_width(long_lines) is None


def test_full_width_line_ending_a_sentence_continues_when_no_blank_line_follows():
    text = "\n".join([
        "全市工会坚持围绕中心服务大局，扎实推进各项工作落实见效。",  # a full line that ends a sentence
        "开展劳动竞赛，覆盖全市一百二十个重点项目和三百五十余家单位，",
        "为全市经济社会发展作出了重要贡献，职工群众获得感明显增强。",
        "组织选手参加国家级和省级技能大赛，获得团体第一名的好成绩。",
        "累计建立劳模和工匠人才创新工作室四百四十八家，成果丰硕。",
        "征集合理化建议两万余条，实现技术革新和技术攻关一千二百批。",
        "大力弘扬劳模精神、劳动精神、工匠精神，激发职工奋斗热情。",
        "二十人获评沧州大工匠，九十六人获省级以上劳动模范称号。",
    ])
    assert len(texts(text)) == 1


def test_each_line_is_a_paragraph_when_text_is_not_wrapped():
    text = ("　　5年来，全国各级工会切实承担起团结引导职工群众听党话、跟党走的政治责任，在全社会叫响做实主题教育品牌。\n\n"
            "　　全国各级工会推动理想信念教育进一步常态化制度化，持续抓好党史、新中国史宣传教育，广泛开展宣传教育活动。")
    assert texts(text) == [
        "5年来，全国各级工会切实承担起团结引导职工群众听党话、跟党走的政治责任，在全社会叫响做实主题教育品牌。",
        "全国各级工会推动理想信念教育进一步常态化制度化，持续抓好党史、新中国史宣传教育，广泛开展宣传教育活动。",
    ]


def test_sentence_cut_by_page_break_in_long_lines_is_rejoined():
    text = ("这次大会是在全市深入学习贯彻习近平新时代中国特色社会主义思想，全力推动沧州\n\n"
            "高质量跨越式发展的关键时期，召开的一次十分重要的会议。")
    assert texts(text) == ["这次大会是在全市深入学习贯彻习近平新时代中国特色社会主义思想，全力推动沧州高质量跨越式发展的关键时期，召开的一次十分重要的会议。"]


def test_numbered_headings_are_never_joined():
    text = "一、团结引导职工群众听党话、跟党走\n\n　　5年来，全国各级工会切实承担起政治责任。\n（一）加强思想引领\n　　广泛开展宣传教育活动。"
    pieces = rejoin(lines(text))
    assert [p.text for p in pieces] == [
        "一、团结引导职工群众听党话、跟党走", "5年来，全国各级工会切实承担起政治责任。",
        "（一）加强思想引领", "广泛开展宣传教育活动。",
    ]


def test_short_fragment_cut_off_by_page_break_joins_previous_line():
    text = "　　一是工作扎实。\n\n四、坚持以工会改革为主线，工会组织的吸引力、凝聚力\n\n强\n\n　　一是工会改革成效显著。"
    assert texts(text)[1] == "四、坚持以工会改革为主线，工会组织的吸引力、凝聚力强"


def test_short_line_between_paragraphs_is_a_standalone_headline():
    text = ("　　市总工会开展送温暖活动，慰问困难职工两千余户。\n\n着力加强思想政治引领\n\n"
            "　　市工会紧紧围绕庆祝建党100周年主线，组织劳模工匠大宣讲。")
    pieces = rejoin(lines(text))
    assert [(p.text, p.standalone) for p in pieces] == [
        ("市总工会开展送温暖活动，慰问困难职工两千余户。", False),
        ("着力加强思想政治引领", True),
        ("市工会紧紧围绕庆祝建党100周年主线，组织劳模工匠大宣讲。", False),
    ]


@pytest.mark.parametrize("left, right, joined", [
    ("职工书屋", "建设", "职工书屋建设"),
    ("开展 APP", "培训", "开展 APP培训"),
    ("the trade", "union", "the trade union"),
    ("为1.5", "万余户", "为1.5万余户"),
    ("调解案件220", "件。", "调解案件220件。"),
])
def test_join_lines_adds_a_space_only_between_latin_words(left, right, joined):
    assert join_lines(left, right) == joined


@pytest.mark.parametrize("line, expected", [
    ("一、团结引导职工群众听党话、跟党走", True),
    ("（三）维权保障", True),
    ("1.加强组织建设", True),
    ("第二部分 主要做法", True),
    ("1.5万余户困难职工家庭", False),
    ("一是工会改革成效显著。围绕强“三性”、去“四化”，推进改革。", False),
    ("全市工会开展送温暖活动", False),
])
def test_looks_like_heading(line, expected):
    assert looks_like_heading(line) is expected


@pytest.mark.parametrize("line, expected", [
    ("目标明确。", True), ("“喜迎二十大”。”", True), ("具体做法如下：", True),
    ("持续推动", False), ("覆盖全市120个重点项目、", False),
])
def test_ends_sentence(line, expected):
    assert ends_sentence(line) is expected


@pytest.mark.parametrize("line, expected", [
    ("本报记者 翟华伟 通讯员 王博 邢俊英", True),
    ("（文/张三 图/李四）", True),
    ("记者从中华全国总工会了解到，出席此次会议的代表共2002名。", False),
    ("通讯员队伍建设不断加强。", False),
])
def test_is_byline(line, expected):
    assert is_byline(line) is expected


def test_display_width_counts_cjk_twice():
    assert display_width("工会APP") == 7


CONTENTS = """2023年工会工作总结汇编（4篇）

目　录

一、各级工会

甘肃省工会第十二次代表大会以来工作综述　　4

24：来宾市工会亮点工作扫描　　103

淮北市总工会着力打造新时代“五型工会”…　　78

二、企业工会

北大荒集团工会工作综述………125

甘肃省工会第十二次代表大会以来工作综述

　　劳动创造幸福，奋斗铸就伟大。

来宾市工会亮点工作扫描

　　高技能人才培育工作获得肯定。

淮北市总工会着力打造新时代“五型工会”全力推动高质量发展

　　凝聚合力共奋进。

北大荒集团工会工作综述

　　推动党的二十大精神走到职工身边。"""


def test_contents_are_found_with_groups_and_collection_title():
    rows = CONTENTS.split("\n")
    contents = find_contents(rows)
    assert contents is not None
    assert contents.collection_title == "2023年工会工作总结汇编（4篇）"
    assert [(e.title, e.group) for e in contents.entries] == [
        ("甘肃省工会第十二次代表大会以来工作综述", "一、各级工会"),
        ("24：来宾市工会亮点工作扫描", "一、各级工会"),
        ("淮北市总工会着力打造新时代“五型工会”", "一、各级工会"),
        ("北大荒集团工会工作综述", "二、企业工会"),
    ]
    located = locate_articles(rows, contents)
    assert [rows[i] for _, i in located] == [
        "甘肃省工会第十二次代表大会以来工作综述", "来宾市工会亮点工作扫描",
        "淮北市总工会着力打造新时代“五型工会”全力推动高质量发展", "北大荒集团工会工作综述",
    ]


@pytest.mark.parametrize("line, expected", [
    ("中国工会第十七次全国代表大会以来工作综述　　1", ("中国工会第十七次全国代表大会以来工作综述", 1)),
    ("平凉市总工会深学细悟砥砺奋进………101", ("平凉市总工会深学细悟砥砺奋进", 101)),
    ("第一章 总则 .......... 3", ("第一章 总则", 3)),
    ("参加劳动竞赛75场次。", None),
    ("覆盖全市120个重点项目", None),
])
def test_toc_entry(line, expected):
    assert toc_entry(line) == expected


def test_junk_lines_ads_watermarks_and_inline_contacts_are_removed():
    rules = load_junk_rules()
    blocks = lines(
        "【哒哒素材库】——每天更新材料1000多篇内部高质量素材，会员群+网盘群同步每日更新，有意加入请联系：1 4367\n"
        "　　大力弘扬劳模精神，联系AAA11241618，积极开展五一劳动奖选树活动。\n"
        "- 12 -\n"
        "第3页 共10页\n"
        "内部资料 注意保存\n"
        "内部资料 注意保存\n"
        "内部资料 注意保存\n"
        "一、服务大局\n一、服务大局\n一、服务大局\n"
        "　　送温暖活动覆盖困难职工。"
    )
    assert [b.text for b in clean_blocks(blocks, rules)] == [
        "　　大力弘扬劳模精神，积极开展五一劳动奖选树活动。",
        "一、服务大局", "一、服务大局", "一、服务大局",
        "　　送温暖活动覆盖困难职工。",
    ]


def test_clean_blocks_repairs_radicals_and_fake_bold():
    rules = load_junk_rules()
    blocks = lines("凝聚凝聚““主力军主力军””力量力量 助推高质量发展助推高质量发展\n⼯会⼤会常常召开")
    assert [b.text for b in clean_blocks(blocks, rules)] == ["凝聚“主力军”力量 助推高质量发展", "工会大会常常召开"]


def test_title_line_without_commas_stands_alone_before_unindented_paragraphs():
    text = ("朝阳市总工会扎实推进产业工人队伍建设改革工作\n\n"
            "深入贯彻落实《新时期产业工人队伍建设改革方案》，全市产改工作取得明显成效。\n\n"
            "组织开展劳动和技能竞赛，覆盖全市重点项目，职工参与热情高涨。")
    assert texts(text)[0] == "朝阳市总工会扎实推进产业工人队伍建设改革工作"
    assert len(texts(text)) == 3


def test_lines_cut_by_character_count_are_full_despite_narrow_digits():
    rows = [
        "全市工会组织开展职工技能竞赛参赛职工人数",
        "达到十二万人次获奖选手两千多名效果很好了",
        "工会投入资金1800万元慰问职工12户。",  # 20 characters ending a sentence, narrow digits
        "各级工会积极推进建会入会工作新建工会组织",
        "三百多个发展会员四万多名职工书屋达到一千",
        "八百多家覆盖面持续扩大职工文化生活更加丰",
        "富多彩成效显著得到了上级工会的充分肯定和",
        "好评。",
    ]
    from index.lines import display_width
    assert {len(r) for r in rows[:7]} == {20} and display_width(rows[2]) < display_width(rows[0]) - 4
    assert len(texts("\n".join(rows))) == 1
