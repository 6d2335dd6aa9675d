"""Shared fixtures: real indexes built once per session from the bundled samples and a hostile document."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SAMPLE_CORPUS = Path(__file__).resolve().parent.parent / "index" / "sample"

# A document whose text is markup: every page must show it as text, never run it.
HOSTILE_DOCUMENT = (
    "河北省总工会2022年职工书屋建设工作总结\n\n"
    '<script>alert("x")</script>职工书屋建设取得新进展，全市建成示范点<b>12</b>个，惠及职工三万余人。\n\n'
    "下一步，我们将继续推进职工书屋建设，让更多职工受益。\n"
)


@pytest.fixture(scope="session", autouse=True)
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Point the page's data folder (collections database, session key) at a temporary folder for the run."""
    folder = tmp_path_factory.mktemp("data")
    previous = os.environ.get("UNIONSEARCH_DATA_DIR")
    os.environ["UNIONSEARCH_DATA_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("UNIONSEARCH_DATA_DIR", None)
    else:
        os.environ["UNIONSEARCH_DATA_DIR"] = previous


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the folder of an index of index/sample/, built once for the whole run."""
    from index.writer import update_index

    target = tmp_path_factory.mktemp("sample") / "index"
    update_index(target, [SAMPLE_CORPUS])
    return target


@pytest.fixture(scope="session")
def hostile_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the folder of an index holding one document full of HTML markup."""
    from index.writer import update_index

    root = tmp_path_factory.mktemp("hostile")
    (root / "docs").mkdir()
    (root / "docs" / "markup.txt").write_text(HOSTILE_DOCUMENT, encoding="utf-8")
    update_index(root / "index", [root / "docs"])
    return root / "index"


@pytest.fixture(scope="session")
def app(sample_index: Path):
    """Return the page app on the sample index, with default settings."""
    from web import create_app

    return create_app({"INDEX": str(sample_index), "TESTING": True})


@pytest.fixture(scope="session")
def search_index(app):
    """Return the SearchIndex the app serves, to compute expected values with the library."""
    return app.extensions["unionsearch"]


@pytest.fixture
def client(app):
    """Return a test client of the sample app."""
    return app.test_client()
