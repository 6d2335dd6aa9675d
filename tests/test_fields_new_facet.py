"""Adding a coded facet: the registry entry and its attributes on Article and ParagraphRecord are all it takes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The three edits "add a facet" makes, anchored on lines of index/: the entry, the article's and the record's attribute.
EDITS = {
    "index/fields.py": ("FIELDS = (\n", "FIELDS = (\n", (
        '    Field("channel", "渠道", "coded", ("渠道", "channel"), "channel", codes={"paper": "纸质", "web": "网络"},\n'
        '          aliases={"纸本": "paper", "网上": "web"}),\n'), "\nFIELD_BY_NAME"),
    "index/model.py": ("    byline: str | None = None\n", "    byline: str | None = None\n",
                       "    channel: str | None = None\n", None),
    "index/records.py": ("    doc_type: str | None = None\n", "    doc_type: str | None = None\n",
                         "    channel: str | None = None\n", None),
}
SCRIPT = r'''
import json, re, sys
from pathlib import Path
from tests.search_fixtures import write_markdown
from index.writer import update_index
from search.engine import SearchIndex, SearchRequest
from search.export import to_csv
from search.clippings.store import RECORD_FIELDS
from search.sphinxql.config import shard_index
from search.sphinxql.searcher import JOINTS
from web import create_app
root = Path(sys.argv[1])
docs = root / "docs"
docs.mkdir()
write_markdown(docs, "a.md", "甲总工会2021年工作总结", ["甲总工会开展困难职工帮扶。"], province="广东省", channel="网上")
write_markdown(docs, "b.md", "乙总工会2022年工作总结", ["乙总工会开展困难职工帮扶。"], province="河北省", channel="纸质")
update_index(root / "ix", [docs])
index = SearchIndex(root / "ix")
found = index.search(SearchRequest(q="困难职工 渠道:网络"))
page = create_app({"INDEX": str(root / "ix"), "TESTING": True}).test_client().get("/?q=职工").get_data(as_text=True)
print(json.dumps({
    "titles": [h["title"] for h in found["hits"]], "notices": found["notices"],
    "facet": index.search(SearchRequest(q="困难职工"))["facets"]["channel"],
    "csv": to_csv(found["hits"], "{title}").decode("utf-8-sig").splitlines()[:2],
    "sidebar": re.findall(r'id="facet-([a-z_]+)"', page), "label_in_page": "网络" in page,
    "sphinx": [line.strip() for line in shard_index("s0", Path("/d")).splitlines() if "channel" in line],
    "joints": JOINTS, "clipped": "channel" in RECORD_FIELDS,
}, ensure_ascii=False))
'''


def _copy_with_a_new_facet(target: Path) -> None:
    for package in ("index", "search", "web", "tests"):
        shutil.copytree(ROOT / package, target / package, ignore=shutil.ignore_patterns("__pycache__"))
    for name, (anchor, keep, added, before) in EDITS.items():
        text = (target / name).read_text(encoding="utf-8")
        if before is not None:  # the entry goes last: before the line after the tuple's closing parenthesis
            at = text.index(before, text.index(anchor))
            at = text.rindex(")", 0, at)
            text = text[:at] + added + text[at:]
        else:
            assert text.count(anchor) == 1, name
            text = text.replace(anchor, keep + added)
        (target / name).write_text(text, encoding="utf-8")


def test_a_coded_facet_added_in_the_registry_is_filtered_counted_exported_shown_and_a_sphinx_column(tmp_path):
    _copy_with_a_new_facet(tmp_path / "code")
    run = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], cwd=tmp_path / "code", capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["titles"] == ["甲总工会2021年工作总结"] and out["notices"] == []
    assert out["facet"] == [{"value": "paper", "count": 1}, {"value": "web", "count": 1}]
    header, row = out["csv"]
    assert header.split(",")[11:14] == ["段落类型", "渠道", "小节"]
    assert row.split(",")[12] == "网络"
    assert out["sidebar"] == ["province", "year", "theme", "doc_type", "kind", "channel"] and out["label_in_page"]
    assert out["sphinx"] == ["rt_attr_string = channel"]
    assert out["joints"] == [["province", "city"], ["year", "level", "doc_type", "kind", "channel"], ["theme"]]
    assert out["clipped"]
