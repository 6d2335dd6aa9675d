"""The query tree (search/tree.py): each node's mask, score and spans, on tiny real indexes."""

from __future__ import annotations

import numpy as np
import pytest

from search.engine import SearchIndex
from search.patterns import to_patterns
from search.query import ParsedQuery, parse_query
from search.scoring import SYNONYM_WEIGHT, Matcher, Scorer, plan_query, scores
from search.tree import And, Literal, Not, Or, Pattern, Phrase
from tests.search_fixtures import markdown_index, synonyms_of

STATION = "工会驿站为环卫工人提供热水。"
LOVE = "爱心驿站延长开放时间。"
SUMMER = "夏季高温期间工会送清凉。"
BOTH = "夏季高温，工会驿站送清凉饮品。"


@pytest.fixture(scope="module")
def matcher(tmp_path_factory) -> Matcher:
    """Return the matcher of an index whose four paragraphs hold chosen words."""
    root = tmp_path_factory.mktemp("tree")
    with markdown_index(root, province="河北省", year=2024) as w:
        for n, text in enumerate([STATION, LOVE, SUMMER, BOTH]):
            w(f"p{n}.md", f"第{n}号简报", [text])
    return Matcher(SearchIndex(root / "index").generation())


def _texts(matcher: Matcher, mask: np.ndarray) -> set[str]:
    generation = matcher.generation
    records = [generation.record(int(d)) for d in np.flatnonzero(mask & generation.live)]
    return {r["text"] for r in records if r["kind"] == "body"}  # titles are paragraphs too


def test_leaf_or_not_and_masks(matcher: Matcher) -> None:
    assert _texts(matcher, Literal("驿站").mask(matcher)) == {STATION, LOVE, BOTH}
    assert Literal("爱心驿站", exact=False).mask(matcher, exact_only=True) is None
    either = Or((Literal("热水"), Literal("爱心驿站", exact=False)))
    assert _texts(matcher, either.mask(matcher)) == {STATION, LOVE}
    assert _texts(matcher, either.mask(matcher, exact_only=True)) == {STATION}
    assert _texts(matcher, Not(Literal("工会")).mask(matcher)) == {LOVE}
    tree = And((Or((Literal("工会"),)), Not(Literal("驿站"))))
    assert _texts(matcher, tree.mask(matcher)) == {SUMMER}


@pytest.mark.parametrize("q, expected", [
    ("驿站 夏季", {BOTH}),
    ("驿站 -工会", {LOVE}),
    ("热水 OR 夏季", {STATION, SUMMER, BOTH}),
    ('"工会驿站" OR 开放', {STATION, LOVE, BOTH}),
    ("夏季 -饮品", {SUMMER}),
])
def test_plan_tree_matches_the_query(matcher: Matcher, q: str, expected: set[str]) -> None:
    plan = plan_query(to_patterns(parse_query(q)), None)
    tree = plan.tree
    assert _texts(matcher, tree.mask(matcher)) == expected
    matched, exact = matcher.match(plan)
    assert np.array_equal(matched, tree.mask(matcher)) and exact is None


def test_synonyms_make_a_wider_and_an_exact_mask(matcher: Matcher) -> None:
    plan = plan_query(parse_query("工会驿站"), synonyms_of(("工会驿站", "爱心驿站")))
    assert plan.tree == And((Or((Literal("工会驿站"), Literal("爱心驿站", exact=False))),))
    matched, exact = matcher.match(plan)
    assert _texts(matcher, matched) == {STATION, LOVE, BOTH}
    assert _texts(matcher, exact) == {STATION, BOTH}


def test_leaves_are_the_literals_to_mark_in_query_order() -> None:
    plan = plan_query(parse_query("热水 OR 工会驿站 -夏季 开放"), synonyms_of(("工会驿站", "爱心驿站")))
    leaves = list(plan.tree.leaves())
    assert leaves == [Literal("热水"), Literal("工会驿站"), Literal("爱心驿站", exact=False), Literal("开放")]
    assert plan.literals == ["热水", "工会驿站", "爱心驿站", "开放"]


def test_the_parser_builds_the_tree_and_groups_are_read_from_it() -> None:
    parsed = parse_query('+工会 "职工 书屋" OR 驿站 -夏季 -"高温 期间" 省:河北')
    assert parsed.tree == And((Or((Literal("工会", must=True),)), Or((Phrase("职工 书屋"), Literal("驿站"))),
                               Not(Literal("夏季")), Not(Phrase("高温 期间"))))
    assert [[(t.text, t.phrase, t.must) for t in g] for g in parsed.groups] == [
        [("工会", False, True)], [("职工 书屋", True, False), ("驿站", False, False)]]
    assert [(t.text, t.phrase) for t in parsed.excluded] == [("夏季", False), ("高温 期间", True)]
    assert parsed.filters == {"province": ["河北"]}
    assert Phrase("驿站") != Literal("驿站")  # a quoted and an unquoted term are two terms


def test_patterns_are_leaves_of_their_own() -> None:
    tree = to_patterns(parse_query('抓*到位 劳模 NEAR/5 工匠 "抓*到位" 驿站')).tree
    kinds = [(type(leaf).__name__, leaf.text) for leaf in tree.leaves()]
    assert kinds == [("Pattern", "抓\ue000到位"), ("Pattern", "劳模\ue0025\ue002工匠"), ("Phrase", "抓*到位"),
                     ("Literal", "驿站")]
    assert isinstance(next(tree.leaves()), Pattern)


def test_the_plan_keeps_group_facts_on_its_or_nodes(matcher: Matcher) -> None:
    plan = plan_query(to_patterns(parse_query('+工会 驿站 "夏季" 建会入会 抓*到位')), None, split=True)
    groups = plan.tree.includes
    assert [g.label for g in groups] == ["工会", "驿站", "夏季", "建会入会", "抓\ue000到位"]
    assert [g.soft for g in groups] == [False, True, False, True, True]
    assert [bool(g.split) for g in groups] == [False, False, False, True, False]
    assert groups[1].split_mask(matcher) is None
    assert _texts(matcher, groups[1].mask(matcher)) == {STATION, LOVE, BOTH}


def test_the_sphinxql_match_text_walks_the_tree() -> None:
    from search.sphinxql.encoding import SENTINEL, phrase
    from search.sphinxql.query import match_expression

    plan = plan_query(parse_query("热水 OR 工会驿站 -夏季 开放"), synonyms_of(("工会驿站", "爱心驿站")))
    either = " | ".join([phrase("热水"), phrase("工会驿站"), phrase("爱心驿站")])
    assert match_expression(plan) == f"({either}) ({phrase('开放')}) -{phrase('夏季')}"
    exact = " | ".join([phrase("热水"), phrase("工会驿站")])
    assert match_expression(plan, exact_only=True) == f"({exact}) ({phrase('开放')}) -{phrase('夏季')}"
    assert match_expression(plan_query(parse_query("-夏季"), None)) == f'"{SENTINEL}" -{phrase("夏季")}'
    assert match_expression(plan_query(parse_query("省:河北"), None)) is None


class _Recording(Scorer):
    """A scorer that also lists the texts the nodes ask it to rank, with their weights."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.seen: list[tuple[str, float]] = []

    def text(self, text: str, weight: float) -> None:
        self.seen.append((text, weight))
        super().text(text, weight)


def test_nodes_rank_their_texts_in_tree_order_typed_terms_before_their_synonyms(matcher: Matcher) -> None:
    plan = plan_query(parse_query("热水 OR 工会驿站 开放 -夏季"), synonyms_of(("工会驿站", "爱心驿站")))
    recording = _Recording(matcher.generation, matcher, np.flatnonzero(matcher.generation.live))
    plan.tree.score(recording)
    assert recording.seen == [("热水", 1.0), ("工会驿站", 1.0), ("爱心驿站", SYNONYM_WEIGHT), ("开放", 1.0)]
    assert plan.adjacent is None  # one of the two groups is an OR: nothing to find side by side
    assert plan_query(parse_query("工会 驿站 -夏季"), None).adjacent == "工会驿站"


def test_each_leaf_finds_its_own_spans_and_paragraphs(matcher: Matcher) -> None:
    haystack = "夏季高温，工会驿站送清凉饮品。工会驿站"
    assert Literal("工会驿站").spans(haystack) == [(5, 9), (15, 19)]
    assert Literal("驿站驿站").spans("驿站驿站驿站", overlapping=True) == [(0, 4), (2, 6)]
    star = to_patterns(parse_query("工会*饮品")).tree.includes[0].children[0]
    assert isinstance(star, Pattern) and star.spans(haystack) == [(5, 14)]
    assert _texts(matcher, star.find(matcher.generation)) == {BOTH}
    assert _texts(matcher, Literal("驿站").find(matcher.generation)) == {STATION, LOVE, BOTH}


def test_a_text_is_read_as_a_pattern_only_when_it_holds_operators() -> None:
    haystack = "工会驿站送清凉饮品，工会"
    assert Literal("工会\ue000饮品").spans(haystack) == [(0, 9)]  # as its 句式 pattern, whatever leaf holds it
    assert Literal("\ue000").spans(haystack) == []  # nothing fixed to look for: read as text
    assert Literal("工会").spans(haystack) == [(0, 2), (10, 12)]


def test_highlighting_takes_the_leaves_of_the_tree() -> None:
    from search.highlight import find_spans

    text = "夏季高温，工会驿站送清凉饮品。"
    tree = to_patterns(parse_query("工会*饮品 夏季")).tree
    assert find_spans(text, tree.leaves()) == [(0, 2), (5, 14)]
    assert find_spans(text, tree.leaves()) == find_spans(text, ["工会\ue000饮品", "夏季"])

    class _Everything(Literal):
        def spans(self, haystack, overlapping=False):
            return [(0, len(haystack))]

    assert find_spans(text, [_Everything("夏季"), Literal("夏季")]) == [(0, len(text))]


class _EndsWith(Literal):
    """A leaf of a kind the matcher has never seen: paragraphs whose text ends with the text."""

    def find(self, generation):
        found = np.zeros(generation.size, dtype=bool)
        for docnum in np.flatnonzero(generation.live).tolist():
            found[docnum] = generation.text(docnum).endswith(self.text)
        return found


def test_a_new_kind_of_leaf_brings_its_own_mask_and_the_matcher_keeps_them_apart(matcher: Matcher) -> None:
    assert _texts(matcher, And((Or((_EndsWith("送清凉。"),)),)).mask(matcher)) == {SUMMER}
    # One text, two kinds of leaf: each keeps its own mask in the same matcher.
    assert _texts(matcher, _EndsWith("送清凉").mask(matcher)) == set()
    assert _texts(matcher, Literal("送清凉").mask(matcher)) == {SUMMER, BOTH}
    assert _texts(matcher, And((Or((Literal("清凉"),)), Not(_EndsWith("饮品。")))).mask(matcher)) == {SUMMER}


def test_leaves_say_whether_their_synonyms_are_found_too() -> None:
    synonyms = synonyms_of(("工会驿站", "爱心驿站"), ("抓\ue000到位", "抓紧到位"))
    expanded = plan_query(to_patterns(parse_query('工会驿站 "工会驿站" 抓*到位')), synonyms).expansions
    assert expanded == {"工会驿站": ["爱心驿站"]}  # the phrase and the pattern are matched as written


class _Bonus(Literal):
    """A leaf of a kind the scorer has never seen: a fixed score wherever its text is found."""

    def score(self, scorer: Scorer) -> None:
        scorer.add(7.0 * self.mask(scorer.masks)[scorer.docs])


def test_a_new_kind_of_leaf_gets_its_score_by_defining_one_method(matcher: Matcher) -> None:
    generation = matcher.generation
    docs = np.flatnonzero(generation.live)
    plan = plan_query(ParsedQuery(And((Or((_Bonus("驿站"),)),))), None)
    assert isinstance(plan.tree.includes[0].children[0], _Bonus)
    score = scores(generation, matcher, plan, docs)
    held = {generation.record(int(d))["text"]: float(s) for d, s in zip(docs, score) if s}
    assert held == {STATION: 7.0, LOVE: 7.0, BOTH: 7.0}  # every paragraph dated 2024: no recency bonus
    plain = scores(generation, matcher, plan_query(parse_query("驿站"), None), docs)
    assert set(np.flatnonzero(plain)) == set(np.flatnonzero(score)) and not np.array_equal(plain, score)


ACTION = "夏季高温建会入会专项行动启动。"
APART = "企业建会以后，职工入会，夏季也不停。"
WHOLE = "推进建会入会，高温时节送清凉。"
SHELTER = "爱心驿站提供热水。"


@pytest.fixture(scope="module")
def scored(tmp_path_factory) -> Matcher:
    """Return the matcher of an index whose paragraphs each answer one part of a query's score."""
    root = tmp_path_factory.mktemp("scored")
    with markdown_index(root, province="河北省") as w:
        w("a.md", "工会驿站简报", [ACTION, "## 夏季高温专项", APART], year=2020)
        w("b.md", "建会入会动态", [WHOLE, SHELTER], year=2024)
        w("c.md", "其他消息", ["夏季清凉饮品发放。", "工会驿站在高温下开放。"], year=2023)
    return Matcher(SearchIndex(root / "index").generation())


def _alone(matcher: Matcher, docs: np.ndarray, node) -> np.ndarray:
    """Return what one node adds to the scores of ``docs`` on its own."""
    scorer = Scorer(matcher.generation, matcher, docs)
    node.score(scorer)
    return scorer.total()


def test_node_scores_sum_to_the_plans_scores(scored: Matcher) -> None:
    generation = scored.generation
    docs = np.flatnonzero(generation.live)
    text = {generation.record(int(d))["text"]: at for at, d in enumerate(docs)}
    synonyms = synonyms_of(("工会驿站", "爱心驿站"))
    parsed = to_patterns(parse_query("夏季 高温 建会入会 工会驿站 OR 热水 -清凉"))
    plan = plan_query(parsed, synonyms, split=True)
    total = scores(generation, scored, plan, docs)
    tree = plan.tree
    parts = [_alone(scored, docs, node) for node in tree.children]
    side_by_side = Scorer(generation, scored, docs)
    side_by_side.adjacent(plan.adjacent)
    together = side_by_side.total()
    np.testing.assert_allclose(sum(parts) + together, total, rtol=1e-12)
    assert plan.adjacent == "夏季高温建会入会" and np.flatnonzero(together).tolist() == [text[ACTION]]
    assert not parts[-1].any()  # the exclusion ranks nothing
    # A group's score is its leaves' plus, where the whole term is missing, its split words'.
    station = tree.includes[3]
    np.testing.assert_allclose(sum(_alone(scored, docs, leaf) for leaf in station.children), parts[3], rtol=1e-12)
    term = tree.includes[2]
    assert term.split == ("建会", "入会")
    leaf_only = _alone(scored, docs, term.children[0])
    assert parts[2][text[APART]] > 0 == leaf_only[text[APART]]
    assert parts[2][text[WHOLE]] == leaf_only[text[WHOLE]] > 0
    # A synonym counts SYNONYM_WEIGHT of what the same text scores typed.
    synonym = station.children[1]
    assert synonym == Literal("爱心驿站", exact=False)
    typed = _alone(scored, docs, Literal("爱心驿站"))[text[SHELTER]]
    assert _alone(scored, docs, synonym)[text[SHELTER]] == pytest.approx(SYNONYM_WEIGHT * typed) and typed > 0


def test_scores_add_the_extra_texts_after_the_tree(scored: Matcher) -> None:
    generation = scored.generation
    docs = np.flatnonzero(generation.live)
    plan = plan_query(parse_query("夏季"), None)
    before = scores(generation, scored, plan, docs)
    plan.extra.append(("清凉", 0.15))
    after = scores(generation, scored, plan, docs)
    np.testing.assert_allclose(after - before, _alone(scored, docs, Or((_Weighted("清凉"),))), rtol=1e-9, atol=1e-12)
    assert (after > before).sum() == 2  # the two paragraphs holding 清凉


class _Weighted(Literal):
    """A leaf ranked as a related word is: its text at 0.15."""

    def score(self, scorer: Scorer) -> None:
        scorer.text(self.text, 0.15)
