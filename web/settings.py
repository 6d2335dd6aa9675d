"""Settings, declared once: name, default, help. The CLI, the app factory and the README use this list."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from search import limits

APP_NAME = "unionsearch"
SAMPLE_CORPUS = Path(__file__).resolve().parent.parent / "index" / "sample"


@dataclass(frozen=True)
class Setting:
    """One configuration value with its environment variable and help line."""

    name: str
    default: object
    help: str

    @property
    def env(self) -> str:
        """Return the environment variable that overrides this setting."""
        return f"UNIONSEARCH_{self.name}"


SETTINGS = (
    Setting("INDEX", str(Path(platformdirs.user_data_dir(APP_NAME)) / "index"),
            "Folder of the search index (created on first use)."),
    Setting("DATA_DIR", platformdirs.user_data_dir(APP_NAME),
            "Folder of the collections database (素材夹, history, saved searches) and the page's session key."),
    Setting("HISTORY", True, "Remember the last 200 searches of the page (检索历史)."),
    Setting("ALLOWED_HOSTS", "",
            "Extra host names the page answers to, comma-separated (besides localhost and the bound address)."),
    Setting("ENGINE", "",
            "SphinxQL cluster searched instead of the index folder: sphinxql://host:port[,host:port…]."),
    Setting("SAMPLE_CORPUS", str(SAMPLE_CORPUS),
            "Documents indexed when the page starts with no index yet."),
    Setting("SYNONYMS", True, "Expand union-domain synonyms and abbreviations in queries."),
    Setting("SEMANTIC", True, "Fuse search results with paragraphs close in meaning (needs `unionsearch vectors`)."),
    Setting("VECTORS_IN_BACKGROUND", True, "`serve` builds missing semantic vectors in a background thread."),
    Setting("CITATION_FORMAT", "——摘自《{title}》，{organization}，{year}",
            "Citation line appended when a paragraph is copied; fields: title, organization, year, source."),
    Setting("EXPORT_LIMIT", 5000, "Most hits one CSV or Markdown export contains."),
    Setting("MAX_QUERY_LENGTH", limits.MAX_QUERY_LENGTH, "Longest query accepted, in characters."),
    Setting("MAX_PER_PAGE", limits.MAX_PER_PAGE, "Most hits one page of results may show."),
)


def defaults() -> dict[str, object]:
    """Return every setting's default value."""
    return {s.name: s.default for s in SETTINGS}


def from_environment(environ: dict[str, str] | None = None) -> dict[str, object]:
    """Return the settings that environment variables set, converted to their default's type."""
    environ = os.environ if environ is None else environ
    found: dict[str, object] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.env)
        if raw is None:
            continue
        if isinstance(setting.default, bool):
            found[setting.name] = raw.strip().lower() not in ("0", "false", "no", "off", "")
        elif isinstance(setting.default, int):
            found[setting.name] = int(raw)
        else:
            found[setting.name] = raw
    return found


def default_index_dir() -> Path:
    """Return the index folder: UNIONSEARCH_INDEX, else the per-user data folder."""
    return Path(str(from_environment().get("INDEX", defaults()["INDEX"])))


def default_engine() -> str:
    """Return the SphinxQL cluster address of UNIONSEARCH_ENGINE, or "" for the local index."""
    return str(from_environment().get("ENGINE", "") or "")
