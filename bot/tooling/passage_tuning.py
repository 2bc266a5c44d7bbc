"""`python -m bot eval passages`: tune when a press-kit passage is worth quoting, on the dev set only.

tests/dev/passages.yml holds in-scope questions (with the section that answers them) and off-topic
ones. For each setting of SPECIFIC_SECTIONS and each threshold, the command measures the in-scope
top-1 section accuracy (a question counts when its best passage reaches the threshold and comes from
the expected section) and the off-topic rejection (no passage reaches it). It keeps the setting with
the best sum among those that reject at least 95 % of the off-topic questions; on a tie, the
strictest specificity, then the middle of the tied thresholds. The figures go to reports/passages.md.
The chosen values are to be copied into bot/domain/passages.py by hand: the command says when they differ.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml

from bot.domain import passages
from bot.domain.passages import PassageIndex, parse_press_kit
from bot.runtime.passages import PRESS_KIT, lemmatise
from bot.runtime.settings import PROJECT_ROOT

DEV_SET = PROJECT_ROOT / "tests" / "dev" / "passages.yml"
REPORT = PROJECT_ROOT / "reports" / "passages.md"
COMMAND = "python -m bot eval passages"
MIN_REJECTION = 0.95
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(61))  # 0 to 3
STRICT_SPECIFICITIES = (1, 2, 3)  # and the number of sections: any shared word will do


@dataclass(frozen=True)
class DevSet:
    in_scope: tuple[tuple[str, str], ...]  # (question, full title of the expected section)
    off_topic: tuple[str, ...]


@dataclass(frozen=True)
class Top:
    section: Optional[str]
    score: float


@dataclass(frozen=True)
class Point:
    specific_sections: int
    threshold: float
    accuracy: float
    rejection: float

    @property
    def total(self) -> float:
        return self.accuracy + self.rejection


def load_dev_set(path: Path, sections: list[str]) -> DevSet:
    """The dev questions; an expected section is a title of the press kit or the start of exactly one."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    in_scope = []
    for n, item in enumerate(data.get("in_scope") or [], start=1):
        prefix = str(item.get("section", ""))
        found = [s for s in sections if s.startswith(prefix)] if prefix else []
        if len(found) != 1:
            raise ValueError(
                f"{path.name}, in_scope n° {n} ({item.get('question')!r}) : la section {prefix!r} "
                f"désigne {len(found)} sections du dossier de presse, il en faut une."
            )
        in_scope.append((str(item["question"]), found[0]))
    off_topic = tuple(str(q) for q in data.get("off_topic") or [])
    if not in_scope or not off_topic:
        raise ValueError(f"{path.name} : il faut des questions in_scope et off_topic.")
    return DevSet(tuple(in_scope), off_topic)


def top_hit(index: PassageIndex, question: str) -> Top:
    hits = index.search(question, limit=1)
    return Top(hits[0].passage.section, hits[0].score) if hits else Top(None, 0.0)


def measure(dev: DevSet, tops_in: list[Top], tops_off: list[Top], specific_sections: int, threshold: float) -> Point:
    right = sum(
        1
        for (_, section), top in zip(dev.in_scope, tops_in, strict=True)
        if top.section == section and top.score >= threshold
    )
    rejected = sum(1 for top in tops_off if top.section is None or top.score < threshold)
    return Point(specific_sections, threshold, right / len(dev.in_scope), rejected / len(dev.off_topic))


def choose(points: list[Point]) -> Point:
    """Best accuracy + rejection with rejection >= 95 %; ties: strictest specificity, middle threshold."""
    allowed = [p for p in points if p.rejection >= MIN_REJECTION] or points
    best = max(round(p.total, 9) for p in allowed)
    tied = [p for p in allowed if round(p.total, 9) == best]
    strictest = min(p.specific_sections for p in tied)
    tied = sorted((p for p in tied if p.specific_sections == strictest), key=lambda p: p.threshold)
    return tied[len(tied) // 2]


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %".replace(".", ",")


def _num(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")


def _tenth(x: float) -> bool:
    return abs(x * 10 - round(x * 10)) < 1e-9


def render_report(
    dev: DevSet,
    points: list[Point],
    chosen: Point,
    misses: list[str],
    accepted: list[str],
    passage_count: int,
    section_count: int,
) -> str:
    lines = [
        "# Réponses tirées du dossier de presse : réglage du seuil",
        "",
        f"Commande : `{COMMAND}` (jeu de développement `tests/dev/passages.yml`, jamais un jeu de test).",
        "",
        f"{passage_count} passages du dossier de presse en {section_count} sections ; {len(dev.in_scope)} questions dans le périmètre "
        f"(exactitude : le meilleur passage atteint le seuil et vient de la section attendue) et "
        f"{len(dev.off_topic)} questions hors sujet (rejet : aucun passage n'atteint le seuil).",
        "",
        "Le score d'un passage est son score BM25 multiplié par la part des mots de la question qu'il contient ; "
        "il est nul si le passage ne partage avec la question aucun mot propre à sa partie du dossier "
        "(présent dans au plus `SPECIFIC_SECTIONS` sections).",
        "",
        "## Réglage retenu",
        "",
        f"- `PASSAGE_THRESHOLD = {chosen.threshold}` et `SPECIFIC_SECTIONS = {chosen.specific_sections}` "
        "(bot/domain/passages.py)",
        f"- exactitude dans le périmètre : {_pct(chosen.accuracy)}",
        f"- rejet des questions hors sujet : {_pct(chosen.rejection)} (minimum demandé : {_pct(MIN_REJECTION)})",
        "",
        "Critère : la plus grande somme exactitude + rejet parmi les réglages qui rejettent au moins 95 % des "
        "questions hors sujet ; à égalité, la spécificité la plus stricte, puis le milieu des seuils ex æquo.",
        "",
        "## Meilleur résultat par spécificité",
        "",
        "| SPECIFIC_SECTIONS | seuil | exactitude | rejet |",
        "|---|---|---|---|",
    ]
    for specific in dict.fromkeys(p.specific_sections for p in points):
        best = choose([p for p in points if p.specific_sections == specific])
        label = f"{specific} (toutes : aucun filtre)" if specific == section_count else str(specific)
        lines.append(f"| {label} | {_num(best.threshold)} | {_pct(best.accuracy)} | {_pct(best.rejection)} |")
    lines += [
        "",
        f"## Balayage des seuils (SPECIFIC_SECTIONS = {chosen.specific_sections})",
        "",
        "| seuil | exactitude | rejet | somme |",
        "|---|---|---|---|",
    ]
    for p in points:
        if p.specific_sections == chosen.specific_sections and _tenth(p.threshold):
            mark = " ← retenu" if p.threshold == chosen.threshold else ""
            lines.append(f"| {_num(p.threshold)} | {_pct(p.accuracy)} | {_pct(p.rejection)} | {_pct(p.total)}{mark} |")
    if not _tenth(chosen.threshold):
        lines.append(
            f"| {_num(chosen.threshold)} | {_pct(chosen.accuracy)} | {_pct(chosen.rejection)} | "
            f"{_pct(chosen.total)} ← retenu |"
        )
    lines += ["", "## Questions du périmètre manquées au réglage retenu", ""]
    lines += [f"- {m}" for m in misses] or ["- aucune"]
    lines += ["", "## Questions hors sujet qui reçoivent un passage au réglage retenu", ""]
    lines += [f"- {a}" for a in accepted] or ["- aucune"]
    lines += [
        "",
        "## Limites",
        "",
        "- Ce sont des chiffres de développement : les questions ont été écrites en lisant le dossier et les "
        "réglages sont choisis sur elles ; de vraies questions feront moins bien.",
        "- Une question qui ne partage avec le dossier que des mots répandus dans tout le dossier (« Nantes », "
        "« temps », « service ») n'obtient aucun passage, même dans le périmètre : c'est le prix du rejet.",
        "- Les mots sont les lemmes de spaCy (`fr_core_news_sm`), qui varient parfois d'une forme à l'autre "
        "(« Fédéré » en tête de phrase, « fédérés ») ; le classement est le BM25 Okapi de `rank-bm25`.",
    ]
    return "\n".join(lines) + "\n"


def main(args: list[str]) -> int:
    if args:
        print(f"usage : {COMMAND}   (sans option)", file=sys.stderr)
        return 2
    kit = parse_press_kit(PRESS_KIT.read_text(encoding="utf-8"))
    sections = list(dict.fromkeys(p.section for p in kit))
    try:
        dev = load_dev_set(DEV_SET, sections)
    except (OSError, ValueError) as error:
        print(f"Jeu de développement illisible : {error}", file=sys.stderr)
        return 1
    points: list[Point] = []
    details: dict[int, tuple[list[Top], list[Top]]] = {}
    for specific in (*STRICT_SPECIFICITIES, len(sections)):
        index = PassageIndex(kit, lemmatise, threshold=0.0, specific_sections=specific)
        tops_in = [top_hit(index, q) for q, _ in dev.in_scope]
        tops_off = [top_hit(index, q) for q in dev.off_topic]
        details[specific] = (tops_in, tops_off)
        points += [measure(dev, tops_in, tops_off, specific, t) for t in THRESHOLDS]
    chosen = choose(points)
    tops_in, tops_off = details[chosen.specific_sections]
    misses = [
        f"« {q} » : attendu « {section} », obtenu "
        + (f"« {top.section} » ({_num(top.score)})" if top.section else "aucun passage")
        for (q, section), top in zip(dev.in_scope, tops_in, strict=True)
        if not (top.section == section and top.score >= chosen.threshold)
    ]
    accepted = [
        f"« {q} » → « {top.section} » ({_num(top.score)})"
        for q, top in zip(dev.off_topic, tops_off, strict=True)
        if top.section and top.score >= chosen.threshold
    ]
    for p in points:
        if p.specific_sections == chosen.specific_sections:
            print(f"[passages] seuil {_num(p.threshold)} : exactitude {_pct(p.accuracy)}, rejet {_pct(p.rejection)}")
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(render_report(dev, points, chosen, misses, accepted, len(kit), len(sections)), encoding="utf-8")
    print(
        f"[passages] retenu : PASSAGE_THRESHOLD = {chosen.threshold}, SPECIFIC_SECTIONS = {chosen.specific_sections} "
        f"(exactitude {_pct(chosen.accuracy)}, rejet {_pct(chosen.rejection)}) ; rapport : {REPORT.relative_to(PROJECT_ROOT)}"
    )
    if (chosen.threshold, chosen.specific_sections) != (passages.PASSAGE_THRESHOLD, passages.SPECIFIC_SECTIONS):
        print(
            f"[passages] bot/domain/passages.py a PASSAGE_THRESHOLD = {passages.PASSAGE_THRESHOLD}, "
            f"SPECIFIC_SECTIONS = {passages.SPECIFIC_SECTIONS} : reportez-y les valeurs retenues.",
            file=sys.stderr,
        )
        return 1
    return 0
