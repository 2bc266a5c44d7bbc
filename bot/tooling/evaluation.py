"""`make eval`: train and score NLU configurations on the same held-out French test set.

Each configuration is trained from scratch (its own empty Rasa cache, so training times are
honest), scored with `rasa test nlu` on tests/nlu/, and reported side by side in
reports/summary.md (committed) and reports/summary.json; the full Rasa reports, pictures and
error lists stay under reports/<configuration>/ (ignored by git).

`python -m bot eval passages` tunes the press-kit passage answers instead (bot/tooling/passage_tuning.py),
`python -m bot eval fallback` the fallback threshold (bot/tooling/fallback_tuning.py);
`python -m bot eval-dev` tries DIET settings on the development set (bot/tooling/dev_tuning.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

import yaml

from bot.runtime.settings import PROJECT_ROOT, process_environment
from bot.tooling import fallback_tuning, heldout, passage_tuning

REPORTS = PROJECT_ROOT / "reports"
TEST_SET = PROJECT_ROOT / "tests" / "nlu" / "test_nlu.yml"
DEV_SET = PROJECT_ROOT / "tests" / "dev" / "nlu"  # for tuning (a folder of NLU files); the test set is never tuned on
ENTITY_REPORT = "DIETClassifier_report.json"


@dataclass(frozen=True)
class Candidate:
    slug: str
    label: str
    config: Callable[[], dict]
    ships: bool = False


def shipped_config() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))


def _shipped_with_md() -> dict:
    config = shipped_config()
    for component in config["pipeline"]:
        if component["name"] == "SpacyNLP":
            component["model"] = "fr_core_news_md"
    return config


def _rasa_default() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "tests" / "eval" / "rasa-default-fr.yml").read_text(encoding="utf-8"))


CANDIDATES = (
    Candidate("projet-sm", "Ce projet (spaCy fr_core_news_sm)", shipped_config, ships=True),
    Candidate("rasa-defaut", "Rasa par défaut (rasa init, language: fr)", _rasa_default),
    Candidate("projet-md", "Ce projet avec fr_core_news_md", _shipped_with_md),
)


@dataclass
class Figures:
    slug: str
    label: str
    ships: bool
    intent_accuracy: float
    intent_macro_f1: float
    entity_f1: float
    entities: dict[str, dict[str, float]] = field(default_factory=dict)
    train_seconds: float = 0.0
    model_mb: float = 0.0
    errors: int = 0


def run_rasa(args: list[str], env_extra: dict[str, str]) -> None:
    env = process_environment(TF_CPP_MIN_LOG_LEVEL="3", TQDM_DISABLE="1", RASA_TELEMETRY_ENABLED="false", **env_extra)
    process = subprocess.run(
        [sys.executable, "-m", "bot", "rasa", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    if process.returncode != 0:
        raise RuntimeError(f"rasa {' '.join(args[:2])} a échoué :\n{process.stdout[-3000:]}{process.stderr[-3000:]}")


def evaluate(candidate: Candidate) -> Figures:
    out = REPORTS / candidate.slug
    out.mkdir(parents=True, exist_ok=True)
    config_path = out / "config.yml"
    config_path.write_text(yaml.safe_dump(candidate.config(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    with tempfile.TemporaryDirectory() as cache:
        started = time.monotonic()
        run_rasa(
            [
                "train",
                "nlu",
                "-c",
                str(config_path),
                "--nlu",
                "data/nlu",
                "--out",
                str(out / "model"),
                "--fixed-model-name",
                "nlu",
            ],
            {"RASA_CACHE_DIRECTORY": cache},
        )
        train_seconds = time.monotonic() - started
    return score(candidate, out / "model" / "nlu.tar.gz", TEST_SET, out / "results", train_seconds)


def score(candidate: Candidate, model: Path, test_set: Path, results: Path, train_seconds: float = 0.0) -> Figures:
    """`rasa test nlu` of `model` on `test_set`: intent accuracy, entity F1, errors (reports under `results`)."""
    run_rasa(["test", "nlu", "--model", str(model), "--nlu", str(test_set), "--out", str(results)], {})
    intents = json.loads((results / "intent_report.json").read_text())
    entities = json.loads((results / ENTITY_REPORT).read_text())
    errors = json.loads((results / "intent_errors.json").read_text())
    per_entity = {
        name: {k: round(v[k], 4) for k in ("precision", "recall", "f1-score", "support")}
        for name, v in entities.items()
        if isinstance(v, dict) and "avg" not in name
    }
    return Figures(
        slug=candidate.slug,
        label=candidate.label,
        ships=candidate.ships,
        intent_accuracy=round(intents["accuracy"], 4),
        intent_macro_f1=round(intents["macro avg"]["f1-score"], 4),
        entity_f1=round(entities["micro avg"]["f1-score"], 4),
        entities=per_entity,
        train_seconds=round(train_seconds, 1),
        model_mb=round(model.stat().st_size / 1e6, 1),
        errors=len(errors),
    )


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


INTENT_ACCURACY_BAR = 0.97
ENTITY_F1_BAR = 0.95


def _verdict(ok: bool) -> str:
    return "✅ atteint" if ok else "❌ non atteint"


def render_bars(shipped: Figures, default: Optional[Figures], near_duplicates: int) -> list[str]:
    """The held-out bars of the knowledge issue, measured in this run."""
    lines = ["", "## Seuils du jeu de test", "", "| seuil | mesuré | verdict |", "|---|---|---|"]
    lines.append(
        f"| 0 phrase de test à moins de {heldout.THRESHOLD} (difflib, après normalisation) d'une phrase "
        f"d'entraînement | {near_duplicates} | {_verdict(near_duplicates == 0)} |"
    )
    lines.append(
        f"| exactitude des intentions ≥ {_pct(INTENT_ACCURACY_BAR)} | {_pct(shipped.intent_accuracy)} | "
        f"{_verdict(shipped.intent_accuracy >= INTENT_ACCURACY_BAR)} |"
    )
    lines.append(
        f"| F1 des entités ≥ {_pct(ENTITY_F1_BAR)} | {_pct(shipped.entity_f1)} | "
        f"{_verdict(shipped.entity_f1 >= ENTITY_F1_BAR)} |"
    )
    if default:
        lines.append(
            f"| meilleure que le pipeline par défaut de Rasa | {_pct(shipped.intent_accuracy)} contre "
            f"{_pct(default.intent_accuracy)} | {_verdict(shipped.intent_accuracy > default.intent_accuracy)} |"
        )
    return lines


def render_summary(figures: list[Figures], test_size: int, note: Optional[str] = None, near_duplicates: int = 0) -> str:
    shipped = next(f for f in figures if f.ships)
    default = next((f for f in figures if f.slug == "rasa-defaut"), None)
    lines = [
        "# Évaluation NLU (`make eval`)",
        "",
        f"Jeu de test indépendant : `tests/nlu/test_nlu.yml`, {test_size} phrases absentes de l'entraînement.",
        "Chaque configuration est entraînée de zéro (cache Rasa vide) sur `data/nlu/` puis évaluée par `rasa test nlu`.",
        "Machine : 2 cœurs, sans GPU. Rapports complets, matrices de confusion, histogrammes et erreurs : `reports/<configuration>/results/` (non versionnés).",
        "",
        "| configuration | exactitude intentions | F1 macro intentions | F1 entités (micro) | erreurs d'intention | entraînement | taille du modèle |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        name = f"**{f.label}** (livrée)" if f.ships else f.label
        lines.append(
            f"| {name} | {_pct(f.intent_accuracy)} | {_pct(f.intent_macro_f1)} | {_pct(f.entity_f1)} | {f.errors} | "
            f"{f.train_seconds:.0f} s | {f.model_mb:.1f} Mo |"
        )
    lines += [
        "",
        "## Entités, par type (précision / rappel / F1)",
        "",
        "| entité | " + " | ".join(f.label for f in figures) + " |",
        "|---|" + "---|" * len(figures),
    ]
    for name in sorted({n for f in figures for n in f.entities}):
        cells = []
        for f in figures:
            e = f.entities.get(name)
            cells.append(f"{_pct(e['precision'])} / {_pct(e['recall'])} / {_pct(e['f1-score'])}" if e else "—")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += render_bars(shipped, default, near_duplicates)
    lines += ["", "## Configuration livrée", ""]
    if default:
        gain = 100 * (shipped.intent_accuracy - default.intent_accuracy)
        lines.append(
            f"La configuration livrée ({shipped.label}) obtient {_pct(shipped.intent_accuracy)} d'exactitude sur les "
            f"intentions contre {_pct(default.intent_accuracy)} pour le pipeline par défaut de Rasa ({gain:+.1f} points), "
            f"et {_pct(shipped.entity_f1)} de F1 sur les entités contre {_pct(default.entity_f1)}."
        )
    if note:
        lines += ["", note]
    return "\n".join(lines) + "\n"


def main(selected: list[str]) -> int:
    if selected[:1] == ["passages"]:
        return passage_tuning.main(selected[1:])
    if selected[:1] == ["fallback"]:
        return fallback_tuning.main(selected[1:])
    from rasa.shared.nlu.training_data.loading import load_data

    test_size = len(load_data(str(TEST_SET)).training_examples)
    figures = []
    for candidate in CANDIDATES:
        if selected and candidate.slug not in selected:
            continue
        print(f"[eval] {candidate.label} : entraînement et évaluation…", flush=True)
        figures.append(evaluate(candidate))
        f = figures[-1]
        print(
            f"[eval]   exactitude {_pct(f.intent_accuracy)}, F1 entités {_pct(f.entity_f1)}, "
            f"entraînement {f.train_seconds:.0f} s, modèle {f.model_mb:.1f} Mo",
            flush=True,
        )
    REPORTS.mkdir(exist_ok=True)
    figures = _merge_with_previous(figures)
    (REPORTS / "summary.json").write_text(
        json.dumps([asdict(f) for f in figures], indent=2, ensure_ascii=False), encoding="utf-8"
    )
    note = (
        ("Pourquoi `fr_core_news_sm` : " + _md_note(figures)) if any(f.slug == "projet-md" for f in figures) else None
    )
    summary = render_summary(figures, test_size, note, near_duplicates=len(heldout.near_duplicates()))
    (REPORTS / "summary.md").write_text(summary, encoding="utf-8")
    print((REPORTS / "summary.md").read_text(encoding="utf-8"))
    return 0


def _merge_with_previous(figures: list[Figures]) -> list[Figures]:
    """Re-evaluating some configurations (`python -m bot.tooling.evaluation projet-sm`) keeps the others' figures."""
    path = REPORTS / "summary.json"
    fresh = {f.slug: f for f in figures}
    previous = {d["slug"]: Figures(**d) for d in json.loads(path.read_text())} if path.exists() else {}
    order = [c.slug for c in CANDIDATES]
    merged = {**previous, **fresh}
    return [merged[s] for s in order if s in merged]


def _md_note(figures: list[Figures]) -> str:
    sm = next(f for f in figures if f.slug == "projet-sm")
    md = next(f for f in figures if f.slug == "projet-md")
    return (
        f"le modèle moyen donne {_pct(md.intent_accuracy)} / {_pct(md.entity_f1)} (intentions / entités) contre "
        f"{_pct(sm.intent_accuracy)} / {_pct(sm.entity_f1)}, pour un modèle spaCy installé plus lourd ; "
        "le petit modèle, celui que demande la conception, suffit : les vecteurs statiques du modèle moyen "
        "n'apportent rien mesurable sur ces phrases courtes et bruitées."
    )
