"""The layers import downwards only: web/ never imports whoosh, search/ never imports web/, index/ neither."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def imported_modules(package: str) -> dict[str, set[str]]:
    """Return, per source file of ``package``, the top-level names of the modules it imports."""
    found: dict[str, set[str]] = {}
    for path in sorted((REPO / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(REPO))] = names
    return found


@pytest.mark.parametrize(("package", "forbidden"), [("web", "whoosh"), ("search", "web"), ("index", "web"),
                                                    ("index", "search")])
def test_no_upward_or_engine_import(package, forbidden):
    offenders = [path for path, names in imported_modules(package).items() if forbidden in names]
    assert len(imported_modules(package)) > 5
    assert offenders == []
