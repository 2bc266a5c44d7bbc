"""Is the held-out NLU set (tests/nlu/test_nlu.yml) independent of the training data?

A held-out sentence that is almost a training sentence measures the model's memory, not its
understanding. After normalisation (entity annotations replaced by their type, lowercase, accents
and punctuation removed, spaces collapsed), no held-out sentence may be within a
difflib.SequenceMatcher ratio of 0.85 of any intent example of data/nlu/ (generated files included).
Read by tests/unit/test_heldout_independence.py and by `make eval` (reports/summary.md).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path

import yaml

from bot.runtime.settings import PROJECT_ROOT

HELDOUT = PROJECT_ROOT / "tests" / "nlu" / "test_nlu.yml"
TRAINING_DIR = PROJECT_ROOT / "data" / "nlu"
DOMAIN = PROJECT_ROOT / "domain.yml"
THRESHOLD = 0.85
MIN_SENTENCES = 400
MIN_PER_INTENT = 10

# [texte](type), [texte](type:valeur) and [texte]{"entity": "type", ...}
_ANNOTATION_PAREN = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_ANNOTATION_JSON = re.compile(r"\[([^\]]*)\]\{([^}]*)\}")
_JSON_ENTITY = re.compile(r"""["']entity["']\s*:\s*["']([^"']+)["']""")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def _entity_type_json(match: re.Match[str]) -> str:
    found = _JSON_ENTITY.search(match.group(2))
    return f" {found.group(1)} " if found else f" {match.group(1)} "


def _entity_type_paren(match: re.Match[str]) -> str:
    return f" {re.split(r'[:=]', match.group(2), maxsplit=1)[0]} "


def normalise(sentence: str) -> str:
    text = _ANNOTATION_JSON.sub(_entity_type_json, sentence)
    text = _ANNOTATION_PAREN.sub(_entity_type_paren, text)
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", text).strip()


def _examples_of(block: dict) -> list[str]:
    examples = block.get("examples")
    if isinstance(examples, str):
        return [line.strip()[2:].strip() for line in examples.splitlines() if line.strip().startswith("- ")]
    if isinstance(examples, list):  # the long form: a list of {text, metadata}
        return [str(e.get("text", "")) if isinstance(e, dict) else str(e) for e in examples]
    return []


def intent_examples(path: Path) -> list[tuple[str, str]]:
    """(intent, sentence) for every intent example of one NLU file; lookups and synonyms are skipped."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    blocks = (data.get("nlu") or []) if isinstance(data, dict) else []
    return [
        (str(block["intent"]), sentence)
        for block in blocks
        if isinstance(block, dict) and "intent" in block
        for sentence in _examples_of(block)
        if sentence
    ]


@cache
def heldout() -> tuple[tuple[str, str], ...]:
    return tuple(intent_examples(HELDOUT))


@cache
def training_sentences() -> tuple[str, ...]:
    files = sorted({*TRAINING_DIR.rglob("*.yml"), *TRAINING_DIR.rglob("*.yaml")})
    normalised = {normalise(sentence) for path in files for _, sentence in intent_examples(path)}
    return tuple(sorted((s for s in normalised if s), key=len))


def near_duplicates(threshold: float = THRESHOLD) -> list[tuple[float, str, str]]:
    """(best ratio, intent, held-out sentence) for each held-out sentence too close to training."""
    training = training_sentences()
    lengths = [len(s) for s in training]
    offenders = []
    matcher = SequenceMatcher(autojunk=True)
    for intent, sentence in heldout():
        text = normalise(sentence)
        if not text:
            continue
        # ratio = 2M / (la + lb) <= 2 min(la, lb) / (la + lb): only comparable lengths can reach it.
        low = int(len(text) * threshold / (2 - threshold))
        high = int(len(text) * (2 - threshold) / threshold) + 1
        matcher.set_seq2(text)  # SequenceMatcher caches information about the second sequence
        best = 0.0
        for other in training[bisect.bisect_left(lengths, low) : bisect.bisect_right(lengths, high)]:
            matcher.set_seq1(other)
            if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
                continue
            ratio = matcher.ratio()
            if threshold - 0.05 <= ratio < threshold:  # the ratio is not quite symmetric: try the other way
                ratio = max(ratio, SequenceMatcher(None, text, other).ratio())
            best = max(best, ratio)
            if best >= threshold:
                break
        if best >= threshold:
            offenders.append((best, intent, sentence))
    return offenders


def declared_intents() -> list[str]:
    domain = yaml.safe_load(DOMAIN.read_text(encoding="utf-8")) or {}
    intents = []
    for item in domain.get("intents") or []:
        intents.extend(item.keys() if isinstance(item, dict) else [item])
    return [str(i) for i in intents]
