"""The press kit as passages one can quote, and a BM25 index to find the one a question is about.

A passage is one paragraph of data/dossier-de-presse.md (a project's "Objectifs : …" or
"Bénéfices : …" paragraph is one), or one question of the interview with its answer, under the
title of its section. Its text is the press kit's, word for word: only the Markdown marks go
("**", "*", "[OSMOSE](#)" -> "OSMOSE"). Headings alone are not passages, nor is the signature
(paragraphs all in bold). An event's "par …, le 19 novembre" line is indexed with the passages of
its section but not quoted on its own.

Pure: the words are given by a `lemmatise` function (spaCy's at run time, bot/runtime/passages.py;
a simple one in the tests). Ranking rests on rank-bm25's BM25 (Okapi) over the passage text, its
section title and that "par …" line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Optional

from rank_bm25 import BM25Okapi

Lemmatise = Callable[[str], list[str]]

# Both tuned on tests/dev/passages.yml by `python -m bot eval passages` (reports/passages.md):
PASSAGE_THRESHOLD = 2.1  # lowest score of a passage worth quoting
SPECIFIC_SECTIONS = 2  # a word found in more sections than this points at no passage in particular

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_ALL_BOLD = re.compile(r"^\*\*[^*]+\*\*$")
_INTERVIEW = re.compile(r"^\d+ questions à ", re.IGNORECASE)
_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
_BYLINE = re.compile(rf"^par .+, le \d{{1,2}}(?:er)? (?:{_MONTHS})(?: \d{{4}})?\.?$")


@dataclass(frozen=True)
class Passage:
    section: str  # the title of its section, without Markdown marks
    text: str  # the press kit's words (an interview question, a line break, its answer)
    context: str = ""  # indexed with the passage, never quoted: the event's "par …, le …" line


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float


def clean_markdown(line: str) -> str:
    """The text of a Markdown line without its marks: links keep their label, stars go."""
    return _LINK.sub(r"\1", line).replace("*", "").strip()


def _paragraphs(markdown: str) -> list[tuple[Optional[tuple[int, str]], list[str]]]:
    """Blocks in order: a heading (level, raw title) or the raw lines of a paragraph."""
    blocks: list[tuple[Optional[tuple[int, str]], list[str]]] = []
    lines: list[str] = []

    def flush() -> None:
        if lines:
            blocks.append((None, list(lines)))
            lines.clear()

    for raw in markdown.splitlines():
        line = raw.rstrip()
        heading = _HEADING.match(line)
        if heading:
            flush()
            blocks.append(((len(heading.group(1)), heading.group(2)), []))
        elif line.strip():
            lines.append(line.strip())
        else:
            flush()
    flush()
    return blocks


def parse_press_kit(markdown: str) -> list[Passage]:
    """The passages of the press kit, in the order of the document.

    The section of a paragraph is its nearest heading. Under a "3 questions à …" heading, each
    sub-heading is a question: the passage is the question and its answer, under the interview's title.
    """
    passages: list[Passage] = []
    section = ""
    byline = ""
    interview: Optional[tuple[int, str]] = None  # (level, title) while inside the interview
    question = ""
    for heading, lines in _paragraphs(markdown):
        if heading is not None:
            level, title = heading[0], clean_markdown(heading[1])
            if interview and level > interview[0]:
                question = title
                continue
            interview = (level, title) if _INTERVIEW.match(title) else None
            section, byline, question = title, "", ""
            continue
        if all(_ALL_BOLD.match(line) for line in lines):
            continue  # signature ("**Préfecture de Loire-Atlantique**") or a bold pseudo-heading
        text = "\n".join(clean_markdown(line) for line in lines)
        if not text or not section:
            continue
        if _BYLINE.match(text):
            byline = text
            continue
        if question:
            text = f"{question}\n{text}"
            question = ""
        passages.append(Passage(section, text, byline))
    return passages


class PassageIndex:
    """Passages ranked for a question; `best` keeps the first one only if it is worth quoting.

    The score of a passage is its BM25 score times the share of the question's words it contains
    ("quel temps fait-il à Nantes ?": "temps" and "Nantes" are both in the first paragraph). It is
    zero unless the passage shares with the question a word specific to its part of the kit, one
    found in at most `specific_sections` sections: "Nantes", "temps" or "service", spread over the
    press kit, point at no passage in particular.
    """

    def __init__(
        self,
        passages: Sequence[Passage],
        lemmatise: Lemmatise,
        threshold: float = PASSAGE_THRESHOLD,
        specific_sections: int = SPECIFIC_SECTIONS,
    ) -> None:
        if not passages:
            raise ValueError("aucun passage à indexer")
        self.passages = tuple(passages)
        self.threshold = threshold
        self.specific_sections = specific_sections
        self._lemmatise = lemmatise
        corpus = [lemmatise(" ".join(filter(None, (p.section, p.context, p.text)))) for p in self.passages]
        self._words = [frozenset(words) for words in corpus]
        sections: dict[str, set[str]] = {}
        for passage, words in zip(self.passages, self._words, strict=True):
            sections.setdefault(passage.section, set()).update(words)
        self._sections_of = Counter(word for words in sections.values() for word in words)
        self._bm25 = BM25Okapi(corpus)

    def scores(self, question: str) -> list[float]:
        """The score of every passage for the question, in the order of the passages."""
        words = list(dict.fromkeys(self._lemmatise(question)))  # each word once, in order
        known = [w for w in words if w in self._sections_of]
        if not known:
            return [0.0] * len(self.passages)
        bm25 = self._bm25.get_scores(known)
        scores = []
        for i, passage_words in enumerate(self._words):
            shared = passage_words.intersection(words)
            specific = any(self._sections_of[w] <= self.specific_sections for w in shared)
            scores.append(float(bm25[i]) * len(shared) / len(words) if specific else 0.0)
        return scores

    def search(self, question: str, limit: int = 3) -> list[Hit]:
        """The `limit` best passages for the question, best first; those scoring zero are left out."""
        scores = self.scores(question)
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:limit]
        return [Hit(self.passages[i], scores[i]) for i in order if scores[i] > 0]

    def best(self, question: str) -> Optional[Hit]:
        """The best passage if its score reaches the threshold, else None: better no quote than a wrong one."""
        hits = self.search(question, limit=1)
        return hits[0] if hits and hits[0].score >= self.threshold else None
