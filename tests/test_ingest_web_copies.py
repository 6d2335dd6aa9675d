"""The general rules for documents copied from the web (issue 12), one by one.

Texts are shortened from the real pages of tests/data/realworld/; each test builds files in
tmp_path and ingests them, or calls the rule's function directly.
"""

from pathlib import Path

import docx
import pytest

from index.datelines import dateline_date, delivered_date, read_datelines
from index.ingest import ingest
from index.junk import clean_line, load_junk_rules
from index.metadata import ArticleContext, extract_metadata
from index.metadata.gazetteer import get_gazetteer
from index.metadata.region import places_in

BODY = "　　1月19日，汉中市总工会召开2022年度机关工作总结暨表彰大会，市总工会机关及下属单位全体干部职工参加会议。\n"


def one(tmp_path: Path, name: str, text: str | bytes):
    """Write one file, ingest it, and return its only article."""
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    result = ingest([path])
    assert not result.skipped, result.skipped
    (article,) = result.articles
    return article


@pytest.mark.parametrize("line", [
    "当前位置：首页 > 新闻中心 > 工会动态",
    "您的位置:首页 > 新闻中心 > 县市区/产业",
    "中國共產黨新聞網>>中國工會新聞",
    "下载 打印 全屏 收藏 字号 加大 还原 减小",
    "【字体:",
    "文章来源：市总工会 点击数：326 更新时间：2023-01-10",
    "发布时间:2023-01-17 10:14:45 来源:中国报道",
    "| 編輯: 王瑞穎 | 時間: 2025-04-28 10:45:30 | 來源: 新華社 |",
    "2023-01-20 16:16",
    "2018-04-28 夺我 ✈ 四川工会",
    "本帖最后由 汉寿转播 于 2023-1-10 09:24 编辑",
    "zj66 发表于 2021-10-9 16:44:34",
    "第1页共8页",
    "Page 6 - 工会工作",
    "编辑：张三 责编：李四",
    "责编/ 马俪伲",
    "冀ICP备2021022604号-10",
    "备案号：鄂ICP备12004590号-1",
    "|",
    "手机端",
    "微信公众号",
    "扫一扫在手机打开当前页",
    "荆州市总工会欢迎您! | 今天是:",
    "关键词:阿拉尔市阿克苏劳动竞赛",
    "第05版:2019两会专页",
])
def test_site_chrome_lines_are_dropped(line):
    assert clean_line(line, load_junk_rules()) is None


@pytest.mark.parametrize("line", [
    "1月16日上午，市总工会党组成员、副主席许丹丹一行到郏县开展送温暖慰问活动。",
    "来源于基层的经验做法，要及时总结推广。",
    "2023年7月6日,山东省枣庄市总工会党组成员、副主席徐婷率枣庄市总工会一行来紫竹高新区调研,介绍了枣庄市总工会的情况。",
    "四川省总工会",
])
def test_body_lines_that_merely_mention_dates_or_sources_are_kept(line):
    assert clean_line(line, load_junk_rules()) == line


@pytest.mark.parametrize("line, year", [
    ("来源：枣庄新闻网 2022-01-25", 2022),
    ("更新时间：2023-01-10", 2023),
    ("闽西日报   2018-07-17 11:36", 2018),
    ("来源:新华社   作者:     2025/4/28  人气:8", 2025),
    ("2023年07月24日09:02", 2023),
    ("四川日報 2019年01月21日", 2019),
    ("据新华社北戴河8月9日电 记者9日从中华全国总工会获悉，截至目前，我国先后召开13次全国劳模和先进工作者表彰大会，共表彰全国劳模25000多人。", None),
    ("丹东新闻网讯 记者曲艺 连日来", None),
])
def test_publication_lines_give_the_year(line, year):
    assert dateline_date(line) == year


@pytest.mark.parametrize("line, year", [
    ("（2019年7月12日）", 2019),
    ("(2019年8月19日)", 2019),
    ("——2022年1月12日在黄山市第八届人民代表大会第一次会议上", 2022),
    ("（2019年1月31日浙江省第十三届人民代表大会第二次会议通过）", 2019),
    ("2019年8月19日", None),
])
def test_speech_and_report_date_lines(line, year):
    assert delivered_date(line) == year


def test_a_delivery_date_outranks_the_date_a_site_reposted_it():
    lines = ["《政府工作报告》全文发布", "2023-05-20 来源:飞速影视", "政府工作报告",
             "——2022年1月12日在黄山市第八届人民代表大会第一次会议上", "各位代表："]
    found = read_datelines(lines)
    assert (found.year, found.delivered) == (2022, True)


def test_source_lines_name_the_outlet():
    found = read_datelines(["丹东市总工会开展送温暖活动", "消息来源:丹东新闻网",
                            "丹东新闻网讯 记者曲艺 连日来，市总工会在全市开展送温暖活动。"])
    assert found.sources == ("丹东新闻网",)


def test_web_copy_keeps_headline_drops_chrome_and_dates_by_its_dateline(tmp_path):
    article = one(tmp_path, "page.txt",
                  "当前位置:\n市总工会召开年度工作总结暨表彰大会\n2023-01-20 16:16\n来源: 访问量:\n打印\n\n" + BODY)
    assert article.title == "市总工会召开年度工作总结暨表彰大会"
    assert (article.province, article.city, article.year) == ("陕西省", "汉中市", 2023)
    assert [p.text for p in article.paragraphs] == [article.title, BODY.strip()]


def test_site_banner_above_the_headline_is_dropped(tmp_path):
    article = one(tmp_path, "school.txt",
                  "山西省总工会干部学校1\n\n劳动最光荣!2426人受到表彰\n\n来源:新华社   作者:     2025/4/28  人气:8\n\n"
                  "  庆祝中华全国总工会成立100周年暨全国劳动模范和先进工作者表彰大会4月28日上午在北京举行，2426人受到表彰。\n")
    assert article.title == "劳动最光荣!2426人受到表彰"
    assert (article.province, article.year, article.doc_type) == (None, 2025, "新闻报道")


def test_first_line_of_unwrapped_text_is_the_headline_even_without_a_blank_line(tmp_path):
    article = one(tmp_path, "a.txt", "山西省十四届人大一次会议在太原隆重开幕\n凝心聚力启新程，肩负使命勇担当。1月12日，省十四届人大一次会议在太原隆重开幕。\n")
    assert article.title == "山西省十四届人大一次会议在太原隆重开幕"
    assert (article.province, article.city) == ("山西省", None)  # 太原 is where it was held


def test_headline_less_item_is_titled_by_its_file_name(tmp_path):
    article = one(tmp_path, "丹东市总工会春节慰问.txt",
                  "牛年春节来临之际，丹东市总工会慰问团先后走访慰问春节期间坚守一线的环卫、客运、医疗等一线职工和农民工，"
                  "为他们送去热气腾腾的饺子。\n在环卫劳动者服务站，慰问团亲切地询问环卫工人的工作状况。\n")
    assert article.title == "丹东市总工会春节慰问"
    assert [p.kind for p in article.paragraphs] == ["body", "body"]


def test_regional_union_in_the_first_sentence_gives_city_and_province(tmp_path):
    article = one(tmp_path, "item.txt",
                  "牛年春节来临之际，丹东市总工会慰问团先后走访慰问春节期间坚守一线的环卫、客运、医疗等一线职工和农民工，"
                  "为他们送去热气腾腾的饺子。\n")
    assert (article.province, article.city, article.organization) == ("辽宁省", "丹东市", "丹东市总工会")


def test_an_enterprise_visited_in_the_first_sentence_is_not_the_issuer():
    body = ["7月16日上午，市委常委、市总工会主席邓菊芳率领市总工会干部来到龙岩一中分校及福建龙环环境工程有限公司，看望慰问一线职工。"]
    md = extract_metadata("市总工会开展夏日“送清凉”活动", body)
    assert (md["province"], md["city"], md["level"]) == ("福建省", "龙岩市", "city")


def test_front_matter_date_and_author(tmp_path):
    article = one(tmp_path, "clip.md",
                  "---\ntitle: 密云县总工会“两节”送温暖工作圆满完成\nauthor: 王路曼\ndate: 2015-02-16\n"
                  "source_url: http://ldwb.workerbj.cn/content/2015-02/16/content_7227.htm\nsection: 劳动午报\ntags: [送温暖]\n---\n\n"
                  "本报讯（记者 王路曼）昨天，记者从密云县总工会获悉，密云县总工会“两节”送温暖工作圆满完成。\n")
    assert (article.title, article.year, article.byline) == ("密云县总工会“两节”送温暖工作圆满完成", 2015, "王路曼")
    assert (article.province, article.city) == ("北京市", "北京市")  # 密云县 is today's 密云区


def test_a_template_creation_date_is_weaker_than_the_text(tmp_path):
    def word(name: str, paragraphs: list[str]) -> Path:
        document = docx.Document()  # python-docx's default template: created 2013
        for text in paragraphs:
            document.add_paragraph(text)
        document.save(tmp_path / name)
        return tmp_path / name

    dated = word("dated.docx", ["省长阮成发向大会作省人民政府工作报告，回顾了2018年的工作，明确了2019年要重点抓好的工作。"])
    undated = word("undated.docx", ["会议传达了全总执委会精神，布置安排了工会工作。"])
    articles = {Path(a.source).name: a for a in ingest([dated, undated]).articles}
    assert articles["dated.docx"].year == 2019
    assert articles["undated.docx"].year == 2013  # nothing better: the file's date stands


@pytest.mark.parametrize("body", [
    ["全州各级工会组织要认真学习贯彻会议精神，全州工会系统广大干部职工积极行动。"],
    ["全市各级工会、全省工会系统和全县职工积极参与。"],
])
def test_whole_area_words_are_no_places(body):
    md = extract_metadata("州总工会召开全委会议", body)
    assert (md["province"], md["city"], md["county"]) == (None, None, None)


def test_own_body_words_without_a_place_are_left_empty():
    body = ["目前，我市规划的103个服务站已建成并投入使用。市总工会到贵州银行站点、贵阳银行站点进行宣传。"]
    md = extract_metadata("户外劳动者服务站", body)
    assert (md["province"], md["city"]) == (None, None)  # bank names place nothing


def test_a_national_awarder_does_not_make_the_article_national():
    md = extract_metadata("庆祝全总成立100周年·巡礼|四川工会：忠诚履职，推动治蜀兴川再上新台阶", ["四川工会守正创新。"])
    assert (md["province"], md["level"]) == ("四川省", "province")
    md = extract_metadata("全国总工会启动工会服务站点双15工程", ["当日，全国总工会在北京举行发布会。"])
    assert (md["province"], md["level"]) == (None, "national")


def test_a_digest_of_several_cities_unions_is_the_provinces():
    md = extract_metadata("工运晨读丨太原市总工会联合市人社局走访慰问一线农民工;阳泉市总开展主题灯谜征集活动", [])
    assert (md["province"], md["city"]) == ("山西省", None)


@pytest.mark.parametrize("city", ["石河子市", "阿拉尔市", "图木舒克市", "五家渠市", "北屯市", "铁门关市", "双河市",
                                  "可克达拉市", "昆玉市", "胡杨河市", "新星市", "白杨市"])
def test_bingtuan_cities_are_in_the_gazetteer(city):
    (entry,) = get_gazetteer().lookup(city)
    assert (entry.place.province, entry.place.city) == ("新疆维吾尔自治区", city)
    md = extract_metadata(f"兵团十三师{city}举办首届技能大赛", [f"日前，由{city}总工会主办的技能比武大赛成功举办。"])
    assert (md["province"], md["city"]) == ("新疆维吾尔自治区", city)


def test_traditional_characters_give_the_same_metadata_as_simplified(tmp_path):
    simplified = ("四川省总工会召开全省工会工作会议\n\n"
                  "　　2023年1月5日，四川省总工会召开全省工会工作会议，总结2022年工作，部署2023年任务。\n")
    traditional = ("四川省總工會召開全省工會工作會議\n\n"
                   "　　2023年1月5日，四川省總工會召開全省工會工作會議，總結2022年工作，部署2023年任務。\n")
    a = one(tmp_path, "s.txt", simplified)
    b = one(tmp_path, "t.txt", traditional)
    fields = ("province", "city", "level", "organization", "year", "doc_type")
    assert [getattr(b, f) for f in fields] == [getattr(a, f) for f in fields]
    assert (b.province, b.organization, b.year) == ("四川省", "四川省总工会", 2023)
    assert b.title == "四川省總工會召開全省工會工作會議"  # the text itself stays as written


def test_same_text_in_another_encoding_is_skipped_as_duplicate(tmp_path):
    text = "市总工会召开年度工作总结暨表彰大会\n\n" + BODY
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(text.replace("\n", "\r\n").encode("gb18030"))
    result = ingest([tmp_path])
    assert [Path(a.source).name for a in result.articles] == ["a.txt"]
    (skipped,) = result.skipped
    assert Path(skipped.path).name == "b.txt"
    assert skipped.reason.startswith(f"与 {tmp_path / 'a.txt'} 文字相同")


def test_link_lists_under_a_copied_article_are_dropped(tmp_path):
    article = one(tmp_path, "cri.txt",
                  "勞動最光榮!2426人受到表彰\n\n"
                  "慶祝中華全國總工會成立100週年暨全國勞動模範和先進工作者表彰大會4月28日上午在北京舉行，2426人受到表彰。\n"
                  "這是中國第17次評選表彰全國勞動模範和先進工作者。\n"
                  "相關新聞\n- 習近平在廣東考察時強調 深入學習宣傳貫徹四中全會精神\n- 運動會開幕式9日晚在廣東廣州舉行\n")
    assert article.province is None
    assert [p.text[:4] for p in article.paragraphs] == ["勞動最光", "慶祝中華", "這是中國"]


def test_former_county_names_of_districts():
    assert [p.body for p in places_in("密云县总工会")] == ["密云区"]
    assert [p.body for p in places_in("怀柔县总工会")] == ["怀柔区"]


def test_anniversary_of_the_youth_league_dates_the_text():
    md = extract_metadata("县总工会召开全委会", ["传达学习庆祝中国共产主义青年团成立100周年大会上的重要讲话精神。"],
                          context=ArticleContext())
    assert md["year"] == 2022


def test_a_source_line_places_an_article_that_names_no_place(tmp_path):
    article = one(tmp_path, "item.txt",
                  "市总工会开展“两节”送温暖活动\n\n来源：枣庄新闻网 2022-01-25\n\n"
                  "　　1月24日，市总工会开展“两节”送温暖活动，走访慰问困难职工和一线职工，送去慰问金和慰问品。\n")
    assert (article.province, article.city, article.year, article.doc_type) == ("山东省", "枣庄市", 2022, "新闻报道")


def test_same_body_with_other_front_matter_is_not_a_duplicate(tmp_path):
    body = "\n组织开展技能比武活动。\n"
    (tmp_path / "old.md").write_text("---\nyear: 1990\n---\n" + body, encoding="utf-8")
    (tmp_path / "new.md").write_text("---\nyear: 2024\n---\n" + body, encoding="utf-8")
    result = ingest([tmp_path])
    assert (sorted(a.year for a in result.articles), result.skipped) == ([1990, 2024], [])
