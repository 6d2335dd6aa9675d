"""Theme classifier: the shipped rules on real paragraphs, the scoring mechanics, rule validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.themes import THEMES, ThemeRules, classify, load_theme_rules, normalize

# docs/themes.md, in its order.
TAXONOMY = (
    "思想政治引领", "建功立业/劳动和技能竞赛", "劳模工匠", "产业工人队伍建设改革", "维权/劳动关系",
    "民主管理/集体协商", "服务职工/帮扶", "新就业形态劳动者", "组织建设/建会入会", "工会改革创新",
    "党建/从严治党", "疫情防控/应急救灾", "女职工", "职工文化", "网上工会/智慧工会", "经审/财务资产",
)


@pytest.fixture(scope="module")
def rules() -> ThemeRules:
    return load_theme_rules()


# Paragraphs from the sample corpus (index/sample/*.txt), labelled by reading them.
LABELLED = [
    ("一、团结引导职工群众听党话、跟党走", ["思想政治引领"]),
    (
        "5年来，全国各级工会切实承担起团结引导职工群众听党话、跟党走的政治责任，在全社会叫响做实“中国梦•劳动美”主题教育品牌，"
        "推动党的创新理论深入人心、主流思想舆论巩固壮大、社会主义核心价值观广泛践行，广大职工更加紧密地团结在以习近平同志为核心的党中央周围。",
        ["思想政治引领"],
    ),
    (
        "全国各级工会加强教育引导、实践养成和制度保障，推动社会主义核心价值观深入基层、扎根职工。加强红色工运资源的挖掘保护和宣传运用，"
        "命名59个全国职工爱国主义教育基地。加强以职业道德建设为重点的“四德”建设，开展两届全国职工职业道德建设评选表彰活动。"
        "广泛开展职工志愿服务，每年联合发布全国“最美职工”，引导广大职工做崇德向善的践行者、文明新风的推动者。5年来，共发布50名全国“最美职工”。",
        ["思想政治引领"],
    ),
    ("二、为广大职工建功立业搭建舞台", ["建功立业/劳动和技能竞赛"]),
    ("全市第五届职工职业技能竞赛钳工比武。", ["建功立业/劳动和技能竞赛"]),
    (
        "弘扬劳模精神劳动精神工匠精神蔚然成风。全国各级工会坚持尊重劳动、尊重知识、尊重人才、尊重创造，进一步突出劳动光荣、工人伟大的鲜明导向，"
        "牵头负责五年一次的全国劳动模范和先进工作者表彰大会；定期召开庆祝“五一”国际劳动节大会，评选表彰全国五一劳动奖和工人先锋号。"
        "5年来，共表彰全国五一劳动奖状926个、奖章4026名、先锋号4119个，全国五一巾帼奖2200名。",
        ["劳模工匠"],
    ),
    (
        "二是聚焦高原经济高质量发展主阵地，制定产改工作相关政策文件50余个，出台123项改革举措。拓展产改试点单位32家，"
        "挂牌成立新时代产业工人实训基地9家，西藏首位“大国工匠”母永奇、“全国最美职工”次仁措姆等先进人物的典型事迹在全国引起热烈反响。",
        ["产业工人队伍建设改革"],
    ),
    (
        "近年来，湖北工会加强与全省法院合作，推进“法院+工会”劳动争议诉调对接工作，为职工维权开通“快车道”，并于2019年在20个市县首批试点。"
        "2022年，湖北省的劳动争议诉调对接工作实现市县两级全覆盖。",
        ["维权/劳动关系"],
    ),
    (
        "为助力政治安全，青海工会建立健全维护劳动领域政治安全长效机制，持续开展职工队伍稳定风险隐患排查化解，以实际行动把“五个坚决”要求落到实处，"
        "守住“五个不发生”的底线，在履行工会政治责任、助力党政重点工作中发挥了积极作用。",
        ["维权/劳动关系"],
    ),
    (
        "二是集体协商工作成效明显。坚持把集体协商工作作为加强维权机制建设的重要内容，会同人社部门指导各地企业建立健全工资集体协商共决机制、"
        "正常增长机制和支付保障机制，集体协商工作呈现由点到面、稳步推进、逐步提高的良好发展态势。截至目前，全省已建工会企业集体协商建制率动态保持在92%，"
        "规模（限额）以上已建工会的企业开展集体协商、签订专项集体合同保持在93%。",
        ["民主管理/集体协商"],
    ),
    (
        "开展集体协商“集中要约”活动，不断推进工资集体协商和职代会规范化建设，持续深化企事业单位民主管理。成立法律服务团队，为职工提供法律服务1900余次，"
        "受理信访及劳动争议案件70多起。持续开展“送法到基层”、国家宪法日、国家安全教育日宣传活动和“尊法守法·携手筑梦”服务农民工公益法律服务。"
        "紧紧围绕防范化解重大风险，深入企业开展风险隐患排查，落实定期研判制度，切实做好劳动领域职工队伍稳定工作。",
        ["维权/劳动关系", "民主管理/集体协商"],
    ),
    (
        "二是驿站建设成果显著。各级工会投入资金412万元，新建户外劳动者爱心驿站267个，36个爱心驿站受到中华全国总工会、省总工会表彰。"
        "2022年，爱心驿站建设列为全市民生实事。市总工会被市政府表扬为2022年市重点民生实事工作突出单位。",
        ["服务职工/帮扶"],
    ),
    (
        "7月20日，贵州省六盘水市成立市级快递行业工会联合会。该工联会成立后，开展了“送清凉”等慰问活动，给快递员们带来实实在在的福利。",
        ["新就业形态劳动者", "服务职工/帮扶", "组织建设/建会入会"],
    ),
    (
        "过去五年，湖南工会组建工作取得重大进展。累计新组建工会2.7万家，新发展会员246万人，探索出区域性、行业性基层工会，市场工会，项目工会等多种组织形式，"
        "乡镇（街道）工会—村（社区）工会—非公有制经济组织工会组成的“小三级”工会组织网络越织越密。",
        ["组织建设/建会入会"],
    ),
    (
        "群团协同化建设取得阶段性成效。探索形成了“西宁实践”“海北样板”“黄南模式”“海晏方法”等具有青海特色、群团特点的新时代群众工作新模式、新路径。"
        "改革的综合效能和整体效应不断提升，工会工作的政治性进一步增强、先进性进一步体现、群众性进一步凸显。",
        ["工会改革创新"],
    ),
    ("六、坚持深化党建统领、持之以恒转变作风，工会系统政治生态持续优化", ["党建/从严治党"]),
    (
        "唱响新时代主旋律，凝心铸魂跟党走。5年来，青海工会坚持把学习宣传贯彻习近平新时代中国特色社会主义思想作为首要政治任务，"
        "深入开展“不忘初心、牢记使命”主题教育、党史学习教育、学习贯彻习近平新时代中国特色社会主义思想主题教育，"
        "健全完善主席办公会议、党组会议“第一议题”学习研究落实制度，推动习近平新时代中国特色社会主义思想在全省工会系统形成生动实践。",
        ["党建/从严治党", "思想政治引领"],
    ),
    (
        "四是定点帮扶和疫情防控有力有效。各级工会投入大量人力、财力、物力，通过驻村帮扶、产业帮扶、消费帮扶等措施，确保了联系村如期脱贫摘帽，"
        "在推动脱贫攻坚和乡村振兴中贡献了工会力量。动员工会干部和职工群众踊跃开展志愿服务，投身一线、共同战“疫”。累计拨付专项资金4700余万元，"
        "慰问疫情防控一线人员37万余人次。出台援企稳岗举措17条，返还小微企业工会经费2.23亿元，在帮助企业纾困解困、产业复苏、提振消费信心方面发挥了工会组织积极作用。",
        ["疫情防控/应急救灾", "服务职工/帮扶"],
    ),
    (
        "2022年，疫情反复之下，四川深陷60年一遇的极端高温干旱天气，波及8000万人，电力供应难以为继，城市工业企业被迫停产让电于民，经济下行压力大。"
        "同时，又突发“9•5”泸定6.8级地震，震源浅、烈度高、破坏性强，次生灾害风险隐患大。",
        ["疫情防控/应急救灾"],
    ),
    (
        "为加强女职工权益维护和关爱服务，昌吉州建成5家区州级“女职工休息哺乳室”，举办教职工婚恋交友活动3场次，启动首批200名乡村女教职工“两癌”筛查活动，"
        "女职工受益面不断扩大。",
        ["女职工"],
    ),
    (
        "青海工会进一步加大关心关爱新就业形态劳动者，累计投入资金近5000万元，对15万名生态管护员、环卫工人、货车司机、快递员等职工群体开展免费体检活动。"
        "女职工特殊权益有效保障，建成“女职工温馨小屋”234家，开展“两癌”筛查3000多人，举办心理疏导讲座156场次，建成全国、省级工会爱心托管班19家。",
        ["女职工", "新就业形态劳动者", "服务职工/帮扶"],
    ),
    (
        "5年来，青海工会推动“书香工会”建设，累计投入专项经费2650万元，建设全国职工书屋示范点116个、省级职工书屋示范点241个、"
        "职工便利型阅读站点220个，发放电子职工读书卡100万张。",
        ["职工文化"],
    ),
    ("正在建设中的新工人文化宫", ["职工文化"]),
    (
        "如何加快智慧工会建设和工会数字化转型？这是新时代工运事业和工会工作面临的重大课题。",
        ["网上工会/智慧工会"],
    ),
    (
        "积极推进工会经费由税务代收，工会经费审计基本实现全覆盖。扎实做好维稳，财务资产管理、统计、档案、普法、平安建设等工作。",
        ["经审/财务资产"],
    ),
]

UNTHEMED = [
    "劳动创造幸福，奋斗铸就伟大。",
    "显著的成果与出色的成效显然不是一日之功。",
    "新增实招：",
    "目　录",
    "5年来，全国各级工会坚持以职工为中心的工作导向，认真履行维护职工合法权益、竭诚服务职工群众的基本职责，"
    "努力为职工提供更多可感可知、可达可得的贴心服务。",
    "“惟创新者进，惟创新者强，惟创新者胜。”高质量发展、中国式现代化，需要知识型、技能型、创新型劳动者大军支撑。"
    "新时代新征程，四川工人阶级队伍不断发展壮大、技术技能素质显著提升。",
    "围绕聚焦助力现代化经济强省建设，四川省总工会制定58条具体措施，用足用好工会资源手段服务全省“拼经济、搞建设、促发展”大局。"
    "为进一步服务成渝地区双城经济圈建设国家战略，与重庆市总工会签订协作框架协议，协力动员两地职工群众唱好“双城记”、建好“经济圈”。",
    "",
]


class TestShippedRules:
    @pytest.mark.parametrize("text, expected", LABELLED, ids=[e[0][:12] for e in LABELLED])
    def test_labelled_paragraph(self, rules: ThemeRules, text: str, expected: list[str]) -> None:
        assert classify(text, rules) == expected

    @pytest.mark.parametrize("text", UNTHEMED, ids=[t[:12] or "empty" for t in UNTHEMED])
    def test_generic_paragraph_gets_no_theme(self, rules: ThemeRules, text: str) -> None:
        assert classify(text, rules) == []

    def test_themes_follow_taxonomy_order(self) -> None:
        assert THEMES == TAXONOMY

    def test_every_theme_has_dozens_of_cues(self, rules: ThemeRules) -> None:
        assert set(rules.cues) == set(THEMES)
        assert min(len(cues) for cues in rules.cues.values()) >= 35

    def test_wechat_placeholder_counts_as_online(self, rules: ThemeRules) -> None:
        text = "截至目前，全省工会系统共建立官方网站9个、AAA公众号110个、抖音政务号45个。"
        assert classify(text, rules) == ["网上工会/智慧工会"]

    def test_never_more_than_three_themes(self, rules: ThemeRules) -> None:
        text = "职工书屋、劳动竞赛、女职工两癌筛查、疫情防控、职代会、建会入会、送温暖、党风廉政、工会经费审查。"
        assert len(classify(text, rules)) == 3


def _rules(cues: dict[str, dict[str, float]], **settings: float) -> ThemeRules:
    return ThemeRules(cues={t: {normalize(c): w for c, w in table.items()} for t, table in cues.items()}, **settings)


class TestScoring:
    def test_punctuation_and_width_are_ignored(self) -> None:
        rules = _rules({"新就业形态劳动者": {"会站家": 4}, "网上工会/智慧工会": {"app": 4}})
        assert classify("推进“会、站、家”一体化", rules) == ["新就业形态劳动者"]
        assert classify("上线“川工之家”ＡＰＰ", rules) == ["网上工会/智慧工会"]

    def test_cue_inside_longer_cue_counts_once(self) -> None:
        rules = _rules({"职工文化": {"职工书屋": 3, "书屋": 3}}, min_score=4)
        assert classify("建成职工书屋", rules) == []
        assert classify("建成职工书屋和农家书屋", rules) == ["职工文化"]

    def test_overlapping_cues_both_count(self) -> None:
        rules = _rules({"经审/财务资产": {"工会经费": 2, "经费收缴": 2}}, min_score=4)
        assert classify("工会经费收缴", rules) == ["经审/财务资产"]

    def test_zero_weight_phrase_shadows_shorter_cue(self) -> None:
        rules = _rules({"维权/劳动关系": {"劳动关系": 4, "劳动关系学院": 0}})
        assert classify("被全总劳动关系学院确立为培训基地", rules) == []
        assert classify("构建和谐劳动关系", rules) == ["维权/劳动关系"]

    def test_negative_cue_lowers_score(self) -> None:
        rules = _rules({"疫情防控/应急救灾": {"疫情": 4, "疫情以前": -4}})
        assert classify("疫情期间", rules) == ["疫情防控/应急救灾"]
        assert classify("疫情期间，疫情以前", rules) == []

    def test_repeats_are_capped(self) -> None:
        rules = _rules({"劳模工匠": {"劳模": 2}, "职工文化": {"书屋": 5}}, min_score=4, max_repeats=2)
        assert classify("劳模劳模劳模劳模劳模书屋", rules) == ["职工文化", "劳模工匠"]

    def test_weak_theme_dropped_relative_to_best(self) -> None:
        rules = _rules({"劳模工匠": {"劳模": 10}, "职工文化": {"书屋": 4}}, relative_min=0.5)
        assert classify("劳模书屋", rules) == ["劳模工匠"]

    def test_ties_follow_taxonomy_order(self) -> None:
        rules = _rules({"职工文化": {"书屋": 4}, "思想政治引领": {"宣讲": 4}})
        assert classify("书屋宣讲", rules) == ["思想政治引领", "职工文化"]

    def test_per_theme_minimum(self) -> None:
        rules = _rules({"职工文化": {"书屋": 4}}, theme_min_score={"职工文化": 8})
        assert classify("书屋", rules) == []

    def test_empty_rules_assign_nothing(self) -> None:
        assert classify("职工书屋", ThemeRules(cues={})) == []


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "themes.toml"
    path.write_text(body, encoding="utf-8")
    return path


class TestValidation:
    def test_custom_file_is_used(self, tmp_path: Path) -> None:
        path = _write(tmp_path, '[settings]\nmin_score = 2\n\n[cues."女职工"]\n"妈咪" = 2\n')
        rules = load_theme_rules(path)
        assert classify("妈咪小屋", rules) == ["女职工"]
        assert rules.min_score == 2

    def test_unknown_theme_names_line(self, tmp_path: Path) -> None:
        path = _write(tmp_path, '[settings]\nmin_score = 4\n\n[cues."女工作"]\n"两癌" = 4\n')
        with pytest.raises(ValueError, match=r'themes.toml line 4: cues\."女工作": unknown theme'):
            load_theme_rules(path)

    @pytest.mark.parametrize("weight", ['"4"', "true", "11", "-12", "nan"])
    def test_bad_weight_names_line_and_key(self, tmp_path: Path, weight: str) -> None:
        body = f'[cues."女职工"]\n"两癌" = 4\n\n[cues."职工文化"]\n"书屋" = 3\n"两癌" = {weight}\n'
        with pytest.raises(ValueError, match=r'line 6: cues\."职工文化"\."两癌"'):
            load_theme_rules(_write(tmp_path, body))

    def test_one_character_cue_rejected(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match=r'line 2: .*at least 2 characters'):
            load_theme_rules(_write(tmp_path, '[cues."职工文化"]\n"“书”" = 3\n'))

    def test_cue_duplicated_by_punctuation_rejected(self, tmp_path: Path) -> None:
        body = '[cues."新就业形态劳动者"]\n"会站家" = 4\n"会、站、家" = 4\n'
        with pytest.raises(ValueError, match=r'line 3: .*same cue as "会站家"'):
            load_theme_rules(_write(tmp_path, body))

    def test_toml_syntax_error(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match=r"themes.toml: .*line 2"):
            load_theme_rules(_write(tmp_path, '[cues."女职工"]\n"两癌" 4\n'))

    def test_unknown_setting(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match=r"line 2: unknown setting settings.min_scor"):
            load_theme_rules(_write(tmp_path, "[settings]\nmin_scor = 4\n"))

    def test_relative_min_above_one(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match=r"line 2: settings.relative_min: 1.5 must be between 0 and 1"):
            load_theme_rules(_write(tmp_path, "[settings]\nrelative_min = 1.5\n"))

    def test_unknown_top_level_table(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match=r"unknown top-level key 'cue'"):
            load_theme_rules(_write(tmp_path, '[cue."女职工"]\n"两癌" = 4\n'))
