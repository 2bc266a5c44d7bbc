"""Link what the user wrote to catalogue entries: exact, accent-insensitive and fuzzy.

Two sources feed it: the entities the NLU model extracted (a value and its type) and the raw
message, scanned for catalogue names the model may have missed. Both read the live catalogue,
so a name added to the catalogue is understood here even before the model is retrained.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Optional

from rapidfuzz import fuzz, process

from bot.domain.catalogue.model import Catalogue
from bot.domain.text import fold

KINDS = ("event", "topic", "organiser", "project", "person")
# Glossary terms are linked apart: "communs" is both the topic and a term, and a message naming it
# must keep both.
TERM = "term"
# Below this similarity (0-100) a mention is not linked: the bot asks rather than guesses.
FUZZY_THRESHOLD = 84
# Between these two similarities a mention is close enough to suggest, not to assume.
SUGGESTION_THRESHOLD = 60
_STOP_WORDS = {"le", "la", "les", "l", "du", "de", "des", "d", "un", "une", "sur", "au", "aux"}


@dataclass(frozen=True)
class Alias:
    kind: str
    id: str
    text: str  # folded
    case_sensitive: Optional[str] = None  # short acronyms ("IRA", "ASE") must be written in capitals


@dataclass
class Mentions:
    """Catalogue ids a message refers to, by kind."""

    ids: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in (*KINDS, TERM)})

    def add(self, kind: str, ident: str) -> None:
        ids = self.ids.setdefault(kind, [])
        if ident not in ids:
            ids.append(ident)

    def of(self, kind: str) -> list[str]:
        return self.ids.get(kind, [])

    def is_empty(self) -> bool:
        return not any(self.ids.values())


def _words(text: str) -> list[str]:
    """Folded words, elisions split off: "l'ASE" -> ["l", "ase"], "Etat'LIN" -> ["etat", "lin"]."""
    return fold(text).replace("'", " ").split()


def _strip_articles(text: str) -> str:
    words = _words(text)
    while words and words[0] in _STOP_WORDS:
        words = words[1:]
    return " ".join(words)


def _aliases(groups: dict[str, list[tuple[str, tuple[str, ...]]]]) -> list[Alias]:
    """Folded names, longest first, so that "la 27e region" is claimed before "region"."""
    aliases = []
    for kind, entries in groups.items():
        for ident, names in entries:
            for name in names:
                folded = _strip_articles(name)
                if not folded:
                    continue
                exact_case = name.strip() if name.strip().isupper() and len(name.strip()) <= 3 else None
                aliases.append(Alias(kind, ident, folded, exact_case))
    return sorted(aliases, key=lambda a: -len(a.text))


def _scan(aliases: list[Alias], text: str) -> list[tuple[str, str]]:
    """(kind, id) of the names found in free text, exact words first, then close misspellings."""
    found: list[tuple[str, str]] = []
    words = _words(text)
    claimed = [False] * len(words)
    for alias in aliases:
        if alias.case_sensitive and not re.search(rf"\b{re.escape(alias.case_sensitive)}\b", text):
            continue
        size = len(alias.text.split())
        for start in range(len(words) - size + 1):
            if any(claimed[start : start + size]):
                continue
            window = " ".join(words[start : start + size])
            exact = window == alias.text
            # Misspellings only for names long enough to tell apart ("serius game", "comuns").
            close = len(alias.text) >= 6 and fuzz.ratio(window, alias.text) >= max(FUZZY_THRESHOLD, 88)
            if exact or close:
                found.append((alias.kind, alias.id))
                claimed[start : start + size] = [True] * size
    return found


class Linker:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        groups = {
            "event": [(e.id, (e.title, *e.aliases)) for e in catalogue.events],
            "topic": [(t.id, (t.label, *t.aliases)) for t in catalogue.topics],
            "organiser": [(o.id, (o.name, *o.aliases)) for o in catalogue.organisers],
            "project": [(p.id, (p.name, *p.aliases)) for p in catalogue.projects],
            "person": [(p.id, (p.name, *p.aliases)) for p in catalogue.people],
        }
        self.aliases = _aliases(groups)
        self.term_aliases = _aliases({TERM: [(g.id, (g.label, *g.aliases)) for g in catalogue.glossary]})
        self._ids = {(kind, ident) for kind, entries in groups.items() for ident, _ in entries}
        self._term_ids = {g.id for g in catalogue.glossary}

    def link_term(self, value: str) -> Optional[str]:
        """The glossary entry an extracted `term` value names, exactly or misspelt."""
        value = str(value).strip()
        if value in self._term_ids:
            return value
        found = _scan(self.term_aliases, value)
        if found:
            return found[0][1]
        folded = _strip_articles(value)
        best = process.extractOne(
            folded, [a.text for a in self.term_aliases], scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD
        )
        return self.term_aliases[best[2]].id if best else None

    def link_value(self, value: str, kind: Optional[str] = None) -> Optional[tuple[str, str]]:
        """Best (kind, id) for one extracted entity value; the expected kind wins ties."""
        value = str(value).strip()
        for k in ([kind] if kind in KINDS else []) + list(KINDS):
            if (k, value) in self._ids:  # button payloads carry ids
                return k, value
        folded = _strip_articles(value)
        if not folded:
            return None
        candidates = [a for a in self.aliases if a.case_sensitive is None or a.case_sensitive in value]
        exact = [a for a in candidates if a.text == folded]
        if exact:
            best = next((a for a in exact if a.kind == kind), exact[0])
            return best.kind, best.id
        choices = [a.text for a in candidates]
        found = process.extract(folded, choices, scorer=fuzz.ratio, limit=5, score_cutoff=FUZZY_THRESHOLD)
        if not found:
            return None
        top = max(score for _, score, _ in found)
        best_aliases = [candidates[i] for _, score, i in found if score == top]
        best = next((a for a in best_aliases if a.kind == kind), best_aliases[0])
        return best.kind, best.id

    def suggest_events(self, value: str, limit: int = 4) -> list[str]:
        """Events a mention that could not be linked may mean, best first (ids)."""
        folded = _strip_articles(value)
        candidates = [a for a in self.aliases if a.kind in ("event", "topic")]
        found = process.extract(
            folded, [a.text for a in candidates], scorer=fuzz.WRatio, limit=20, score_cutoff=SUGGESTION_THRESHOLD
        )
        events: list[str] = []
        for _, _, index in found:
            alias = candidates[index]
            ids = [alias.id] if alias.kind == "event" else [e.id for e in self.catalogue.events if alias.id in e.topics]
            events += [i for i in ids if i not in events]
        return events[:limit]

    def scan(self, text: str) -> Mentions:
        """Catalogue names and glossary terms found in free text."""
        mentions = Mentions()
        for kind, ident in _scan(self.aliases, text) + _scan(self.term_aliases, text):
            mentions.add(kind, ident)
        return mentions

    def mentions(self, entities: Iterable[tuple[str, str]], text: str) -> Mentions:
        """Merge the model's entities with a scan of the text."""
        mentions = Mentions()
        for entity_type, value in entities:
            term = self.link_term(value) if entity_type == TERM else None
            linked = (TERM, term) if term else self.link_value(value, entity_type)
            if linked:
                mentions.add(*linked)
        scanned = self.scan(text)
        for kind in (*KINDS, TERM):
            for ident in scanned.of(kind):
                mentions.add(kind, ident)
        return mentions
