"""Learn from real conversations: list what the bot misunderstood, import what staff annotated.

`review` reads the SQL tracker store (SQLite by default) and writes a YAML review file of user
messages that hit the fallback or had low intent confidence, grouped and counted. Staff fill in
`intention_correcte`; `import` turns those into NLU examples (data/nlu/revue.yml, deduplicated)
and conversation-test cases (tests/test_stories_revue.yml). Personal data (emails, phone numbers,
IBANs, social-security and card numbers) is masked before anything is written.

A citizen's message is one line of training data: its line breaks and tabs become spaces, and its
square brackets round ones (only the model's entities are annotated), so that it can neither open
a YAML block (`- intent:`, `- synonym:`, `- regex:`) nor annotate an entity of its own. Every file
is written by a YAML emitter (ruamel.yaml, which keeps the comments of the files it updates).
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from bot.domain.personal_data import mask, personal_spans
from bot.tooling.staff.changes import domain_intents, example_lines
from bot.tooling.staff.project import Project, StaffError

LOW_CONFIDENCE = 0.7
FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTIONS = {"action_fallback", "action_default_fallback"}
REVIEW_NLU_FILE = Path("data") / "nlu" / "revue.yml"
REVIEW_TESTS_FILE = Path("tests") / "test_stories_revue.yml"
REVIEW_DEV_FILE = Path("tests") / "dev" / "nlu" / "revue.yml"
HEADER = """\
Messages à revoir, tirés des conversations réelles (`python -m bot review`).
Pour chaque message, écrivez dans `intention_correcte` l'intention qu'il fallait comprendre
(liste : `intentions_possibles` en fin de fichier), ou laissez vide pour l'ignorer.
`exemple` est la phrase telle qu'elle sera apprise ; corrigez les entités entre crochets si besoin,
par exemple : quand a lieu le [serious game](event) ?
Puis : python -m bot import <ce fichier>   (ou make import REVIEW=<ce fichier>)
Les adresses électroniques, numéros de téléphone, IBAN, numéros de sécurité sociale et de carte
bancaire ont été masqués."""
NLU_HEADER = "Exemples appris des conversations réelles (`python -m bot import`)."
DEV_HEADER = (
    "Jeu de DÉVELOPPEMENT : phrases de vraies conversations annotées dans la console (« ajouter aux tests »).\n"
    "Jamais copiées dans l'entraînement, jamais dans le jeu de test indépendant (tests/nlu/)."
)
TESTS_HEADER = "Cas de test tirés des conversations réelles (`python -m bot import`), joués par `make retrain`."


@dataclass
class UserMessage:
    sender: str
    text: str
    intent: Optional[str]
    confidence: float
    entities: list[dict[str, Any]]
    followed_by: Optional[str] = None

    @property
    def understood_intent(self) -> Optional[str]:
        return self.intent

    def reason(self, threshold: float) -> Optional[str]:
        if self.followed_by in FALLBACK_ACTIONS:
            return "repli"
        if self.confidence < threshold:
            return "confiance faible"
        return None


@dataclass
class ReviewItem:
    text: str
    example: str
    occurrences: int
    understood: Optional[str]
    confidence: float
    reasons: set[str] = field(default_factory=set)


def normalise(text: str) -> str:
    return " ".join(text.lower().strip().rstrip("?!. ").split())


def one_line(text: str) -> str:
    """Line breaks, tabs, control characters and runs of spaces made single spaces: one example, one line."""
    return " ".join("".join(" " if unicodedata.category(c) == "Cc" else c for c in text).split())


def _citizen_text(text: str) -> str:
    """What the citizen wrote, masked, with no square bracket left to annotate an entity ("[x](intent)")."""
    return mask(text).replace("[", "(").replace("]", ")")


def _parse_user_event(sender: str, data: dict[str, Any]) -> Optional[UserMessage]:
    text = (data.get("text") or "").strip()
    if not text or text.startswith("/"):  # button payloads are not phrasings
        return None
    parse = data.get("parse_data") or {}
    intent = (parse.get("intent") or {}).get("name")
    confidence = float((parse.get("intent") or {}).get("confidence") or 0.0)
    if intent == FALLBACK_INTENT:  # what the classifier would have said, below the threshold
        ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != FALLBACK_INTENT]
        intent, confidence = (ranking[0]["name"], float(ranking[0].get("confidence") or 0)) if ranking else (None, 0.0)
        return UserMessage(sender, text, intent, confidence, parse.get("entities") or [], followed_by="action_fallback")
    return UserMessage(sender, text, intent, confidence, parse.get("entities") or [])


EVENTS_QUERY = "SELECT sender_id, type_name, action_name, data FROM events ORDER BY sender_id, id"


def _event_rows(source: Path | str) -> list[tuple]:
    """The events of a SQLite file (read-only), or of a database server given by its SQLAlchemy URL."""
    if isinstance(source, Path):
        if not source.exists():
            raise StaffError(f"base des conversations introuvable : {source} (variable TRACKER_DB)")
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as connection:
            try:
                return connection.execute(EVENTS_QUERY).fetchall()
            except sqlite3.DatabaseError as exc:
                raise StaffError(f"{source} n'est pas une base de conversations Rasa lisible : {exc}") from exc
    import sqlalchemy as sa

    engine = sa.create_engine(source)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(EVENTS_QUERY))]
    except sa.exc.SQLAlchemyError as exc:
        where = sa.engine.make_url(source).render_as_string(hide_password=True)
        raise StaffError(
            f"base des conversations illisible ({where}) : {' '.join(str(exc.orig or exc).split())[:200]}"
        ) from None
    finally:
        engine.dispose()


def read_tracker_store(source: Path | str) -> list[UserMessage]:
    """User messages of every conversation in a Rasa SQL tracker store, with the action that followed.

    source: the SQLite file, or the SQLAlchemy URL of the PostgreSQL store of a clustered deployment.
    """
    rows = _event_rows(source)
    messages: list[UserMessage] = []
    waiting: Optional[UserMessage] = None
    for sender, type_name, action_name, raw in rows:
        if type_name == "user":
            waiting = _parse_user_event(sender, json.loads(raw or "{}"))
            if waiting:
                messages.append(waiting)
        elif (
            type_name == "action"
            and waiting is not None
            and waiting.sender == sender
            and action_name != "action_listen"
        ):
            if waiting.followed_by is None:
                waiting.followed_by = action_name
            waiting = None
    return messages


def annotate(text: str, entities: Iterable[dict[str, Any]]) -> str:
    """Rasa's inline annotation of the entities found by the model; personal data masked outside them."""
    personal = personal_spans(text)  # the store masks before writing: entities on a placeholder are dropped too
    spans = sorted(
        (
            e
            for e in entities
            if isinstance(e.get("start"), int)
            and isinstance(e.get("end"), int)
            and e.get("extractor") != "RegexEntityExtractor"
            and not any(e["start"] < end and start < e["end"] for start, end in personal)
        ),
        key=lambda e: e["start"],
    )  # an entity inside an email or phone number is dropped, then masked
    out, cursor = [], 0
    for e in spans:
        if e["start"] < cursor:
            continue
        out.append(_citizen_text(text[cursor : e["start"]]))
        surface = text[e["start"] : e["end"]]
        value = e.get("value")
        if value is not None and str(value) != surface:
            out.append(
                f'[{_citizen_text(surface)}]{{"entity": "{e["entity"]}", '
                f'"value": {json.dumps(str(value), ensure_ascii=False)}}}'
            )
        else:
            out.append(f"[{_citizen_text(surface)}]({e['entity']})")
        cursor = e["end"]
    out.append(_citizen_text(text[cursor:]))
    return one_line("".join(out))


def collect(messages: Iterable[UserMessage], threshold: float = LOW_CONFIDENCE) -> list[ReviewItem]:
    groups: dict[str, ReviewItem] = {}
    for message in messages:
        reason = message.reason(threshold)
        if reason is None:
            continue
        text = one_line(mask(message.text))
        key = normalise(text)
        item = groups.get(key)
        if item is None:
            item = groups[key] = ReviewItem(
                text, annotate(message.text, message.entities), 0, message.intent, message.confidence
            )
        item.occurrences += 1
        item.confidence = min(item.confidence, message.confidence)
        item.reasons.add(reason)
    return sorted(groups.values(), key=lambda i: (-i.occurrences, i.text.lower()))


def write_review(items: list[ReviewItem], path: Path, intents: list[str]) -> Path:
    entries = [
        {
            "texte": item.text,
            "occurrences": item.occurrences,
            "raison": ", ".join(sorted(item.reasons)),
            "intention_comprise": item.understood,
            "confiance": round(item.confidence, 2),
            "exemple": item.example,
            "intention_correcte": "",
        }
        for item in items
    ]
    document = CommentedMap([("messages", [CommentedMap(e) for e in entries]), ("intentions_possibles", intents)])
    document.yaml_set_start_comment(HEADER)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_yaml(document, path)
    return path


def _yaml() -> YAML:
    """Round-trip ruamel.yaml: what it reads keeps its comments when written again."""
    emitter = YAML()
    emitter.allow_unicode = True
    emitter.width = 4096
    emitter.indent(mapping=2, sequence=2, offset=0)
    return emitter


def load_yaml(path: Path) -> Any:
    try:
        return _yaml().load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise StaffError(f"fichier YAML illisible ({path}) : {' '.join(str(exc).split())[:300]}") from exc


def write_yaml(document: Any, path: Path) -> None:
    stream = io.StringIO()
    _yaml().dump(document, stream)
    path.write_text(stream.getvalue(), encoding="utf-8")


def review(project: Project, db: Path | str, output: Path, threshold: float = LOW_CONFIDENCE) -> list[ReviewItem]:
    items = collect(read_tracker_store(db), threshold)
    write_review(items, output, domain_intents(project))
    return items


# ---------------------------------------------------------------- import

_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def plain_text(example: str) -> str:
    return _ANNOTATION.sub(r"\1", example)


def _nlu_examples(paths: Iterable[Path]) -> set[str]:
    seen: set[str] = set()
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            if isinstance(block, dict) and "intent" in block:
                seen.update(normalise(plain_text(example)) for example in example_lines(block))
    return seen


def rule_actions(project: Project) -> dict[str, str]:
    """intent -> the action its one-step rule answers with (for conversation-test cases)."""
    actions: dict[str, str] = {}
    for path in sorted(project.stories_dir.rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for rule in data.get("rules") or []:
            steps = rule.get("steps") or []
            if len(steps) == 2 and "intent" in steps[0] and "action" in steps[1]:
                actions.setdefault(steps[0]["intent"], steps[1]["action"])
    return actions


@dataclass
class ImportResult:
    examples_added: list[tuple[str, str]] = field(default_factory=list)
    tests_added: int = 0
    duplicates: list[str] = field(default_factory=list)
    held_out: list[str] = field(default_factory=list)
    skipped: int = 0


def _read_annotations(path: Path, intents: list[str]) -> list[tuple[str, str]]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise StaffError(f"fichier de revue illisible ({path}) : {exc}") from exc
    annotated: list[tuple[str, str]] = []
    for number, entry in enumerate(document.get("messages") or [], start=1):
        if not isinstance(entry, dict):
            raise StaffError(f"{path} : message n° {number} : une liste de champs « clé: valeur » est attendue")
        intent = str(entry.get("intention_correcte") or "").strip()
        if not intent:
            continue
        if intent not in intents:
            raise StaffError(
                f"{path} : message n° {number} (« {entry.get('texte')} »), champ « intention_correcte » : "
                f"« {intent} » n'est pas une intention de domain.yml (possibles : {', '.join(intents)})"
            )
        # `exemple` is the staff's (annotations are theirs); `texte` is the citizen's, brackets and all
        example = one_line(mask(str(entry.get("exemple") or ""))) or one_line(
            _citizen_text(str(entry.get("texte") or ""))
        )
        if not example:
            raise StaffError(f"{path} : message n° {number}, champ « exemple » : phrase vide")
        annotated.append((intent, example))
    return annotated


def _add_nlu_examples(path: Path, examples: list[tuple[str, str]], header: str = NLU_HEADER) -> None:
    """The examples appended to their intent's block of an NLU file (created if need be)."""
    document = load_yaml(path) if path.exists() else None
    if not isinstance(document, CommentedMap):
        document = CommentedMap([("version", DoubleQuotedScalarString("3.1")), ("nlu", CommentedSeq())])
        document.yaml_set_start_comment(header)
    if not isinstance(document.get("nlu"), list):
        document["nlu"] = CommentedSeq()
    blocks = {b["intent"]: b for b in document["nlu"] if isinstance(b, dict) and "intent" in b}
    for intent, example in examples:
        block = blocks.get(intent)
        if block is None:
            block = blocks[intent] = CommentedMap([("intent", intent), ("examples", "")])
            document["nlu"].append(block)
        lines = [line for line in str(block.get("examples") or "").splitlines() if line.strip()]
        block["examples"] = LiteralScalarString("\n".join([*lines, f"- {example}"]) + "\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_yaml(document, path)


def import_review(project: Project, review_file: Path) -> ImportResult:
    return import_examples(project, _read_annotations(review_file, domain_intents(project)))


def import_examples(project: Project, examples: Iterable[tuple[str, str]], development: bool = False) -> ImportResult:
    """Annotated examples (intent, phrase in Rasa's inline annotation), personal data masked, deduplicated.

    Into the training data (data/nlu/revue.yml, with a conversation-test case when the intent has a
    one-step rule), or with `development` into the development set (tests/dev/nlu/revue.yml) instead:
    a phrase is in one set only, so that the development set measures what was not learnt. Nothing
    ever goes to the held-out test set; a phrase already in it is left out (ImportResult.held_out).
    """
    training = _nlu_examples(sorted(project.nlu_dir.rglob("*.yml")))
    development_set = _nlu_examples(project.nlu_check_files)
    test_set = _nlu_examples([project.nlu_test_set] if project.nlu_test_set.exists() else [])
    if development:
        existing, measured, target, header = training | development_set, test_set, REVIEW_DEV_FILE, DEV_HEADER
    else:
        existing, measured, target, header = training, test_set | development_set, REVIEW_NLU_FILE, NLU_HEADER
    result = ImportResult()
    for intent, example in examples:
        example = one_line(mask(example))
        key = normalise(plain_text(example))
        if key in measured:
            result.held_out.append(example)
        elif key in existing:
            result.duplicates.append(example)
        else:
            existing.add(key)
            result.examples_added.append((intent, example))
    if result.examples_added:
        _add_nlu_examples(project.root / target, result.examples_added, header)
    if not development:
        result.tests_added = _add_test_cases(project, result.examples_added)
    return result


def _add_test_cases(project: Project, examples: list[tuple[str, str]]) -> int:
    actions = rule_actions(project)
    path = project.root / REVIEW_TESTS_FILE
    document = load_yaml(path) if path.exists() else None
    if not isinstance(document, CommentedMap):
        document = CommentedMap([("version", DoubleQuotedScalarString("3.1")), ("stories", CommentedSeq())])
        document.yaml_set_start_comment(TESTS_HEADER)
    if not isinstance(document.get("stories"), list):
        document["stories"] = CommentedSeq()
    stories = document["stories"]
    names = {s.get("story") for s in stories if isinstance(s, dict)}
    added = 0
    for intent, example in examples:
        action = actions.get(intent)
        name = f"revue : {plain_text(example)}"
        if action is None or name in names:
            continue
        steps = [CommentedMap([("user", example), ("intent", intent)]), CommentedMap([("action", action)])]
        stories.append(CommentedMap([("story", name), ("steps", steps)]))
        names.add(name)
        added += 1
    if added:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_yaml(document, path)
    return added
