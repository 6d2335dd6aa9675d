"""No regressions: the bundled samples keep the metadata and text the ingest rules give them today.

The expected values in tests/data/sample_metadata.json were generated once from the rules as they
stood before the real-world rules were added (issue 12); a rule change that alters them is a
regression unless the sample itself was read wrongly before.
"""

import json
from pathlib import Path

import pytest

from index.ingest import ingest

SAMPLE = Path(__file__).resolve().parent.parent / "index" / "sample"
EXPECTED = json.loads((Path(__file__).parent / "data" / "sample_metadata.json").read_text(encoding="utf-8"))
FIELDS = ("title", "province", "city", "county", "level", "year", "years_covered", "doc_type",
          "organization", "byline")


@pytest.fixture(scope="module")
def articles():
    result = ingest([SAMPLE])
    assert not result.skipped
    return result.articles


def test_same_articles_in_same_order(articles):
    assert [(Path(a.source).name, a.title) for a in articles] == [(e["file"], e["title"]) for e in EXPECTED]


@pytest.mark.parametrize("n", range(len(EXPECTED)), ids=[e["title"][:20] for e in EXPECTED])
def test_article_metadata_unchanged(articles, n):
    article, expected = articles[n], EXPECTED[n]
    got = {f: getattr(article, f) for f in FIELDS}
    got["paragraphs"] = len(article.paragraphs)
    got["chars"] = sum(len(p.text) for p in article.paragraphs)
    assert got == {k: v for k, v in expected.items() if k != "file"}
