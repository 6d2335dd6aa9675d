"""句式 pattern masks (search/patterns.py): exact against brute force, at paragraph boundaries, per run size."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import search.patterns as patterns
from index.writer import update_index
from search.engine import SearchIndex
from search.patterns import CLAUSE_MARKS, pattern_mask, to_patterns
from search.query import parse_query
from tests.search_fixtures import build_index, hit_ids, oracle_of

CLAUSE = "[^" + re.escape(CLAUSE_MARKS) + "]"
# The ten patterns the 1M bench times (scripts/bench_workbench.py), as brute-force expressions.
BENCH = {
    "推动*落实": f"推动{CLAUSE}*?落实",
    "坚持*，*为": f"坚持{CLAUSE}*?,{CLAUSE}*?为",
    "职工?屋": f"职工{CLAUSE}屋",
    "劳模 NEAR/5 工匠": "劳模.{0,5}?工匠",
    "加强*建设": f"加强{CLAUSE}*?建设",
    "全?总*会": f"全{CLAUSE}总{CLAUSE}*?会",
    "服务*职工": f"服务{CLAUSE}*?职工",
    "深化*改革": f"深化{CLAUSE}*?改革",
    "以*为": f"以{CLAUSE}*?为",
    "职工 NEAR/3 权益": "职工.{0,3}?权益",
}
# One article whose paragraphs stand one after another in the folded text: the pieces of several
# patterns end one paragraph and begin the next, which must never make a match.
BOUNDARIES = [
    "第一段推动工作", "落实到位，劳模", "工匠精神", "推动，落实", "推动各项工作落实", "先说推动", "推动改革落实到位",
    "职工小屋", "职工屋", "职工，屋", "关心职工", "屋里暖和", "工匠和劳模", "劳模与工匠", "劳模一二三四工匠",
    "劳模。工匠", "以工会为家", "所以", "为了职工",
]
# (DENSE_SHARE, RUN_GAP): one search per candidate; runs of adjacent candidates only; the default
# runs; the whole segment in one run.
WAYS = [(2.0, 1000), (0.0, 0), (0.0, 1000), (0.0, 10**9)]


def _term(q: str) -> str:
    """Return the one pattern term a query holds, as the engine passes it to pattern_mask."""
    return to_patterns(parse_query(q)).groups[0][0].text


def _ids(index: SearchIndex, q: str) -> set[str]:
    """Return the ids of the paragraphs pattern_mask flags for the query's pattern term."""
    generation = index.generation()
    mask = pattern_mask(generation, _term(q))
    assert mask is not None and not mask.flags.writeable
    return {segment.paragraph_id(local) for segment, local in map(generation.locate, np.flatnonzero(mask).tolist())}


def _texts(index: SearchIndex, q: str) -> set[str]:
    """Return the display texts of the paragraphs pattern_mask flags for the query's pattern term."""
    generation = index.generation()
    return {generation.text(d) for d in np.flatnonzero(pattern_mask(generation, _term(q))).tolist()}


def _brute_force(squeezed: dict[str, str], expression: str) -> set[str]:
    """Return the ids of the paragraphs whose match form the expression finds something in."""
    pattern = re.compile(expression)
    return {pid for pid, text in squeezed.items() if pattern.search(text)}


@pytest.fixture(scope="module")
def boundary_index(tmp_path_factory) -> Path:
    """Return an index of the BOUNDARIES article and one short other."""
    return build_index(tmp_path_factory.mktemp("pattern-boundaries"),
                       {"a.txt": "\n\n".join(BOUNDARIES) + "\n", "b.txt": "以前推动\n\n落实为本\n"})


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("q, expected", [
    ("推动*落实", {"推动各项工作落实", "推动改革落实到位"}),  # not across 工作|落实, 推动|推动改革, nor over ，
    ("劳模 NEAR/5 工匠", {"劳模与工匠", "劳模一二三四工匠", "劳模。工匠"}),  # not 劳模|工匠 nor 工匠和劳模
    ("劳模 NEAR/3 工匠", {"劳模与工匠", "劳模。工匠"}),  # four characters between are too many
    ("职工?屋", {"职工小屋"}),  # ? is one character: not none, not a clause mark, not the end of 关心职工
    ("以*为", {"以工会为家"}),  # not 所以|为了 nor 以前推动|落实为本
])
def test_a_pattern_never_matches_across_paragraphs(boundary_index, monkeypatch, q, expected, way):
    monkeypatch.setattr(patterns, "DENSE_SHARE", way[0])
    monkeypatch.setattr(patterns, "RUN_GAP", way[1])
    index = SearchIndex(boundary_index)  # its own generation: nothing remembered from another way
    assert _texts(index, q) == expected
    assert _ids(index, q) == _brute_force(oracle_of(index).squeezed, {**BENCH, "劳模 NEAR/3 工匠": "劳模.{0,3}?工匠"}[q])


@pytest.mark.parametrize("way", [WAYS[0], WAYS[-1]])
@pytest.mark.parametrize("q", list(BENCH))
def test_every_bench_pattern_is_exact_on_the_sample(sample_index, monkeypatch, q, way):
    monkeypatch.setattr(patterns, "DENSE_SHARE", way[0])
    monkeypatch.setattr(patterns, "RUN_GAP", way[1])
    index = SearchIndex(sample_index)
    expected = _brute_force(oracle_of(index).squeezed, BENCH[q])
    assert _ids(index, q) == expected
    assert hit_ids(index, q) == expected


def test_a_new_generation_forgets_the_old_mask(tmp_path, monkeypatch):
    monkeypatch.setattr(patterns, "DENSE_SHARE", 0.0)  # the deleted paragraph lies inside a run
    docs = tmp_path / "docs"
    index_dir = build_index(tmp_path, {"a.txt": "推动甲事落实\n", "b.txt": "推动乙事落实\n", "c.txt": "推动丙事落实\n"})
    index = SearchIndex(index_dir)
    assert _texts(index, "推动*落实") == {"推动甲事落实", "推动乙事落实", "推动丙事落实"}
    (docs / "b.txt").write_text("推动乙事，落实\n", encoding="utf-8")
    update_index(index_dir, [docs])  # b.txt's old paragraph stays deleted between a's and c's, in one run
    generation = index.generation()
    assert generation.live_count < generation.size
    assert _texts(index, "推动*落实") == {"推动甲事落实", "推动丙事落实"}
    assert hit_ids(index, "推动*落实") == _brute_force(oracle_of(index).squeezed, BENCH["推动*落实"])
