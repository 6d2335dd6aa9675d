"""Assign 0–3 themes of the taxonomy to a paragraph from user-editable cue rules."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick

THEMES: tuple[str, ...] = (
    "思想政治引领",
    "建功立业/劳动和技能竞赛",
    "劳模工匠",
    "产业工人队伍建设改革",
    "维权/劳动关系",
    "民主管理/集体协商",
    "服务职工/帮扶",
    "新就业形态劳动者",
    "组织建设/建会入会",
    "工会改革创新",
    "党建/从严治党",
    "疫情防控/应急救灾",
    "女职工",
    "职工文化",
    "网上工会/智慧工会",
    "经审/财务资产",
)

DEFAULT_RULES_PATH = Path(__file__).parent / "data" / "themes.toml"
MAX_THEMES = 3
MAX_WEIGHT = 10
MIN_CUE_LENGTH = 2

# Punctuation that varies between writers of the same phrase (“会、站、家” / 会站家,
# 劳模（工匠）创新工作室 / 劳模工匠创新工作室) is dropped; full-width ASCII and capitals fold
# so that ＡＰＰ, App and app are one cue.
_DROPPED = " \t\r\n\u3000\u00a0\"'“”‘’「」『』、·•・‧∙⋅《》〈〉<>（）()【】[]"
_FOLD: dict[int, str | None] = {cp: chr(cp).lower() for cp in range(ord("A"), ord("Z") + 1)}
_FOLD.update({cp: chr(cp - 0xFEE0).lower() for cp in range(0xFF01, 0xFF5F)})
_FOLD.update({cp: None for cp, ch in _FOLD.items() if ch in _DROPPED})
_FOLD.update({ord(c): None for c in _DROPPED})


def normalize(text: str) -> str:
    """Return `text` folded the way cues and paragraphs are compared."""
    return text.translate(_FOLD)


@dataclass
class ThemeRules:
    """Parsed classifier rules: per-theme cue weights and the thresholds that apply them.

    ``cues`` maps a theme name to {normalised cue: weight}. The matcher is built once here,
    so one instance serves any number of ``classify`` calls.
    """

    cues: dict[str, dict[str, float]]
    min_score: float = 4.0
    relative_min: float = 0.4
    max_repeats: int = 3
    theme_min_score: dict[str, float] = field(default_factory=dict)
    _automaton: ahocorasick.Automaton = field(init=False, repr=False, compare=False)
    _thresholds: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = {name: i for i, name in enumerate(THEMES)}
        by_cue: dict[str, list[tuple[int, float]]] = {}
        for theme, table in self.cues.items():
            for cue, weight in table.items():
                by_cue.setdefault(cue, []).append((index[theme], weight))
        self._thresholds = tuple(self.theme_min_score.get(t, self.min_score) for t in THEMES)
        automaton = ahocorasick.Automaton()
        for cue_id, (cue, weights) in enumerate(by_cue.items()):
            automaton.add_word(cue, (cue_id, len(cue), tuple(weights)))
        if by_cue:
            automaton.make_automaton()
        self._automaton = automaton


def classify(text: str, rules: ThemeRules) -> list[str]:
    """Return 0–3 theme names for `text`, best first."""
    automaton = rules._automaton
    if automaton.kind != ahocorasick.AHOCORASICK:
        return []
    scores = [0.0] * len(THEMES)
    seen: dict[int, int] = {}
    for cue_id, weights in _maximal_matches(automaton, normalize(text)):
        count = seen.get(cue_id, 0)
        if count >= rules.max_repeats:
            continue
        seen[cue_id] = count + 1
        for theme_index, weight in weights:
            scores[theme_index] += weight
    best = max(scores)
    if best <= 0:
        return []
    floor = best * rules.relative_min
    ranked = sorted(
        (i for i, s in enumerate(scores) if s >= rules._thresholds[i] and s >= floor and s > 0),
        key=lambda i: (-scores[i], i),
    )
    return [THEMES[i] for i in ranked[:MAX_THEMES]]


def _maximal_matches(automaton: ahocorasick.Automaton, text: str) -> list[tuple[int, tuple]]:
    """Return (cue id, weights) of every match not lying inside a longer match.

    A cue inside a longer one ("书屋" in "职工书屋") is part of that phrase and must not
    count twice; cues that merely overlap ("工会经费" and "经费收缴" in 工会经费收缴) both count.
    """
    spans = sorted(
        ((end - length + 1, -end, cue_id, weights) for end, (cue_id, length, weights) in automaton.iter(text))
    )
    kept = []
    reach = -1
    for _start, neg_end, cue_id, weights in spans:
        if -neg_end > reach:
            kept.append((cue_id, weights))
            reach = -neg_end
    return kept


def load_theme_rules(path: Path | None = None) -> ThemeRules:
    """Read and validate the rules file (default: the shipped ``themes.toml``)."""
    path = Path(path) if path is not None else DEFAULT_RULES_PATH
    raw = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path.name}: {exc}") from exc
    where = _Locator(path.name, raw)
    unknown = set(data) - {"settings", "cues"}
    if unknown:
        key = sorted(unknown)[0]
        raise ValueError(where.at(key, f"unknown top-level key {key!r} (expected settings, cues)"))
    settings = data.get("settings", {})
    min_score = _number(settings, "min_score", 4.0, where, low=0)
    relative_min = _number(settings, "relative_min", 0.4, where, low=0, high=1)
    max_repeats = _number(settings, "max_repeats", 3, where, low=1)
    if max_repeats != int(max_repeats):
        raise ValueError(where.at("max_repeats", "settings.max_repeats must be a whole number"))
    extra = set(settings) - {"min_score", "relative_min", "max_repeats", "theme_min_score"}
    if extra:
        key = sorted(extra)[0]
        raise ValueError(where.at(key, f"unknown setting settings.{key}"))
    theme_min = settings.get("theme_min_score", {})
    if not isinstance(theme_min, dict):
        raise ValueError(where.at("theme_min_score", "settings.theme_min_score must be a table"))
    for theme in theme_min:
        _check_theme(theme, "settings.theme_min_score", where)
        _number(theme_min, theme, 0.0, where, low=0, label=f"settings.theme_min_score.{theme}")
    cues_data = data.get("cues", {})
    if not isinstance(cues_data, dict):
        raise ValueError(where.at("cues", "cues must be a table of themes"))
    cues: dict[str, dict[str, float]] = {}
    for theme, table in cues_data.items():
        _check_theme(theme, "cues", where)
        if not isinstance(table, dict):
            raise ValueError(where.at(theme, f'cues."{theme}" must be a table of "cue" = weight'))
        cues[theme] = _parse_cues(theme, table, where)
    return ThemeRules(
        cues=cues,
        min_score=float(min_score),
        relative_min=float(relative_min),
        max_repeats=int(max_repeats),
        theme_min_score={t: float(v) for t, v in theme_min.items()},
    )


def _parse_cues(theme: str, table: dict, where: _Locator) -> dict[str, float]:
    parsed: dict[str, float] = {}
    origin: dict[str, str] = {}
    for cue, weight in table.items():
        label = f'cues."{theme}"."{cue}"'
        _number(table, cue, 0.0, where, low=-MAX_WEIGHT, high=MAX_WEIGHT, label=label, section=theme)
        key = normalize(cue)
        if len(key) < MIN_CUE_LENGTH:
            problem = f"a cue needs at least {MIN_CUE_LENGTH} characters"
            raise ValueError(where.at(cue, f"{label}: {problem}", section=theme))
        if key in parsed:
            problem = f'same cue as "{origin[key]}" once punctuation is ignored'
            raise ValueError(where.at(cue, f"{label}: {problem}", section=theme))
        parsed[key] = float(weight)
        origin[key] = cue
    return parsed


def _check_theme(theme: str, section: str, where: _Locator) -> None:
    if theme not in THEMES:
        raise ValueError(where.at(theme, f'{section}."{theme}": unknown theme (see docs/themes.md)'))


def _number(
    table: dict,
    key: str,
    default: float,
    where: _Locator,
    *,
    low: float | None = None,
    high: float | None = None,
    label: str | None = None,
    section: str | None = None,
) -> float:
    label = label or f"settings.{key}"
    value = table.get(key, default)
    # bool is an int subclass: `true` must not pass as weight 1.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(where.at(key, f"{label}: {value!r} is not a number", section))
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise ValueError(where.at(key, f"{label}: {value!r} must be {bounds}", section))
    return value


class _Locator:
    """Point error messages at the line that defines a key (tomllib reports no positions)."""

    def __init__(self, filename: str, raw: str) -> None:
        self.filename = filename
        self.lines = raw.splitlines()

    def at(self, key: str, message: str, section: str | None = None) -> str:
        """Prefix `message` with the line of `key`, searched after the header naming `section`."""
        start = 0
        if section is not None:
            for number, line in enumerate(self.lines):
                if line.strip().startswith("[") and f'"{section}"' in line:
                    start = number + 1
                    break
        for number in range(start, len(self.lines)):
            stripped = self.lines[number].strip()
            if stripped.startswith((f'"{key}"', f"'{key}'", f"{key} ", f"{key}=")) or (
                stripped.startswith("[") and (f'"{key}"' in stripped or stripped.startswith(f"[{key}"))
            ):
                return f"{self.filename} line {number + 1}: {message}"
        return f"{self.filename}: {message}"
