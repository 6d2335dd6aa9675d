"""Characters beyond U+FFFF take two UTF-16 units in the folded texts: literals after them are still found."""

from __future__ import annotations

from search.engine import SearchIndex, SearchRequest
from tests.search_fixtures import build_index, oracle_of

DOCUMENT = (
    "某市总工会2023年工作总结\n\n"
    "一年来，职工之家建设取得新进展😀，各级工会𠀀共建成模范职工之家12个。\n\n"
    "职工之家建设是基层工会的基础工作，今年又新建职工之家建设示范点3个。\n\n"
    "下一步，继续推进职工之家建设，让𝄞更多职工受益。\n"
)


def test_literals_after_astral_characters_match_the_brute_force_scan(tmp_path) -> None:
    index = SearchIndex(build_index(tmp_path, {"astral.txt": DOCUMENT}))
    oracle = oracle_of(index)
    for literal in ("职工之家建设", "示范点3个", "更多职工受益", "让𝄞更多", "😀，各级", "工会𠀀共建"):
        result = index.search(SearchRequest(q=f'"{literal}"', per_page=100))
        expected = oracle.containing(literal)
        assert expected, literal
        assert {hit["id"] for hit in result["hits"]} == expected, literal
        assert result["total"] == len(expected)
    assert index.search(SearchRequest(q='"职工之家建设"'))["total"] == 3
