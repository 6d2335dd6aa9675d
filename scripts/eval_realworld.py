"""Measure ingest metadata accuracy on the labelled real-world set (tests/data/realworld/).

Run from the repository root: ``python scripts/eval_realworld.py [-v] [FOLDER]`` (FOLDER holding a
labels.toml; default tests/data/realworld, the held-out check is tests/data/realworld_heldout).  Prints, per field,
right/all documents and right/documents whose label is not empty (the text states a value);
-v lists every miss.  A label "" (year 0) expects the field left empty; a headline-less
item titled by its file name counts as the empty title.  A title is chrome when it holds a
menu, breadcrumb, publication line or banner (the pattern of tests/test_realworld_metadata.py).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))

from index.ingest import ingest  # noqa: E402

DATA = Path(next((a for a in sys.argv[1:] if not a.startswith("-")), "tests/data/realworld"))
FIELDS = ("province", "city", "year", "doc_type", "title")
CHROME = re.compile(r"当前位置|您的位置|位置[:：]|首页|欢迎|发布时间|发布日期|来源[:：]|來源[:：]|点击|浏览|访问量"
                    r"|编辑[:：/]|編輯|责编|本帖|发表于|打印|字号|收藏|分享|ICP|备案|版权|Copyright|https?:|www\."
                    r"|>>|>|娱乐城|官方中文网|查看原文|(19|20)\d\d[-/]\d{1,2}[-/]\d{1,2}|^\S{2,6}(网|热线)$")


def value(article, field: str):
    """Return an article's field in the manifest's terms."""
    if field == "year":
        return article.year or 0
    if field == "title":
        return "" if article.title == Path(article.source).stem else article.title
    return getattr(article, field) or ""


def main(verbose: bool) -> None:
    """Ingest the set and print the accuracy table."""
    labels = [d for d in tomllib.loads((DATA / "labels.toml").read_text(encoding="utf-8"))["doc"]
              if not d.get("duplicate")]
    result = ingest([DATA])
    first = {}
    for article in result.articles:
        first.setdefault(Path(article.source).name, article)
    print(f"{len(labels)} documents, {len(result.skipped)} skipped: "
          + ", ".join(f"{Path(s.path).name} ({s.reason})" for s in result.skipped))
    for field in FIELDS:
        right = [d for d in labels if value(first[d["file"]], field) == d[field]]
        stated = [d for d in labels if d[field]]
        right_stated = [d for d in right if d[field]]
        print(f"{field:9} {len(right)}/{len(labels)} = {len(right) / len(labels):.0%}"
              f"   stated: {len(right_stated)}/{len(stated)} = {len(right_stated) / len(stated):.0%}")
        if verbose:
            for d in labels:
                got = value(first[d["file"]], field)
                if got != d[field]:
                    print(f"    {d['file']}: want {d[field]!r}, got {got!r}")
    chrome = [a.title for a in first.values() if CHROME.search(a.title)]
    print(f"chrome titles: {len(chrome)}" + (f" {chrome}" if verbose and chrome else ""))


if __name__ == "__main__":
    main("-v" in sys.argv)
