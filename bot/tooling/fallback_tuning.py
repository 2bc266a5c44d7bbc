"""`python -m bot eval fallback`: choose the FallbackClassifier's threshold on the dev set only.

`rasa test nlu` scores the model's best intent; in production a message whose best intent scores under
the threshold (or too close to the second) gets the fallback instead. For each threshold, the command
counts, over the development sentences (tests/dev/nlu/), the answers given with the right intent, the
fallbacks and the answers given with a wrong intent; an off-topic sentence (out_of_scope) that falls
back is a right answer. A fallback says honestly what the bot can do, a wrong answer misleads: the
command keeps the threshold with the most right answers minus wrong ones (on a tie, the higher one).
The figures go to reports/fallback.md; the chosen value is copied into config.yml by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

import yaml

import bot.runtime.nlu.components  # noqa: F401  (config.yml's own component, for loading the model)
from bot.runtime.settings import PROJECT_ROOT

DEV_NLU = PROJECT_ROOT / "tests" / "dev" / "nlu"
MODEL = PROJECT_ROOT / "models" / "mois-innovation.tar.gz"
REPORT = PROJECT_ROOT / "reports" / "fallback.md"
COMMAND = "python -m bot eval fallback"
FALLBACK = "nlu_fallback"
OFF_TOPIC = "out_of_scope"
THRESHOLDS = tuple(round(0.3 + 0.05 * i, 2) for i in range(9))  # 0.30 to 0.70


@dataclass(frozen=True)
class Understood:
    expected: str
    ranking: tuple[tuple[str, float], ...]  # the classifier's intents, best first, without nlu_fallback


@dataclass(frozen=True)
class Outcome:
    threshold: float
    right: int
    fallbacks: int
    wrong: int

    @property
    def score(self) -> int:
        return self.right - self.wrong


def outcome(sentences: list[Understood], threshold: float, ambiguity: float) -> Outcome:
    right = fallbacks = wrong = 0
    for sentence in sentences:
        (best, confidence), second = sentence.ranking[0], (sentence.ranking[1:2] or [("", 0.0)])[0]
        falls_back = confidence < threshold or confidence - second[1] < ambiguity
        if falls_back and sentence.expected == OFF_TOPIC or not falls_back and best == sentence.expected:
            right += 1
        elif falls_back:
            fallbacks += 1
        else:
            wrong += 1
    return Outcome(threshold, right, fallbacks, wrong)


def best(outcomes: list[Outcome]) -> Outcome:
    return max(outcomes, key=lambda o: (o.score, o.threshold))


def configured_fallback(config: Path = PROJECT_ROOT / "config.yml") -> tuple[float, float]:
    """(threshold, ambiguity_threshold) of the FallbackClassifier in config.yml."""
    pipeline = yaml.safe_load(config.read_text(encoding="utf-8"))["pipeline"]
    [component] = [c for c in pipeline if c["name"] == "FallbackClassifier"]
    return float(component["threshold"]), float(component.get("ambiguity_threshold", 0.1))


async def understand(model: Path) -> list[Understood]:
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data

    logging.getLogger("tensorflow").setLevel(logging.ERROR)  # checkpoint warnings on loading a model
    agent = Agent.load(str(model))
    found = []
    for example in load_data(str(DEV_NLU)).intent_examples:
        parse = await agent.parse_message(example.get("text"))
        ranking = tuple((r["name"], float(r["confidence"])) for r in parse["intent_ranking"] if r["name"] != FALLBACK)
        found.append(Understood(example.get("intent"), ranking))
    return found


def report(model: Path, count: int, outcomes: list[Outcome], chosen: Outcome, configured: float) -> str:
    def pct(n: int) -> str:
        return f"{100 * n / count:.1f} %".replace(".", ",")

    lines = [
        "# Seuil du repli (FallbackClassifier), choisi sur le jeu de développement",
        "",
        f"Commande : `{COMMAND}` ; modèle : `{model.name}` ; {count} phrases de tests/dev/nlu/.",
        "Bonne réponse : la bonne intention au-dessus du seuil, ou un repli pour une phrase hors sujet.",
        "",
        "| seuil | bonnes réponses | replis | mauvaises réponses | bonnes − mauvaises |",
        "|---|---|---|---|---|",
    ]
    for o in outcomes:
        mark = " (retenu)" if o is chosen else ""
        lines.append(
            f"| {o.threshold:.2f}{mark} | {o.right} ({pct(o.right)}) | {o.fallbacks} ({pct(o.fallbacks)}) "
            f"| {o.wrong} ({pct(o.wrong)}) | {o.score} |"
        )
    lines += ["", f"Seuil de config.yml au moment de la mesure : {configured:.2f}.", ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("--modele", type=Path, default=MODEL, help="modèle entraîné à mesurer")
    args = parser.parse_args(argv)
    if not args.modele.exists():
        print(f"Modèle introuvable : {args.modele}. Lancez d'abord `make train`.")
        return 2
    configured, ambiguity = configured_fallback()
    sentences = asyncio.run(understand(args.modele))
    outcomes = [outcome(sentences, t, ambiguity) for t in THRESHOLDS]
    chosen = best(outcomes)
    REPORT.write_text(report(args.modele, len(sentences), outcomes, chosen, configured), encoding="utf-8")
    print(f"Seuil retenu : {chosen.threshold:.2f} (config.yml : {configured:.2f}) ; détail : {REPORT}")
    if abs(chosen.threshold - configured) > 1e-9:
        print("Le seuil de config.yml diffère : recopiez la valeur retenue dans config.yml, puis réentraînez.")
    return 0
