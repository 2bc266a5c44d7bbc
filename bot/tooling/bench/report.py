"""reports/bench.md (French tables) and reports/bench.json from one run. Pure: no servers, no clock."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Optional

from bot.runtime.settings import PROJECT_ROOT
from bot.tooling.bench.stats import LevelFigures
from bot.tooling.bench.verdicts import Verdict

BOT_LABELS = {"ours": "Ce projet", "anchor": "Bot nu de `rasa init`"}


@dataclass
class Tuning:
    """One setting tried on this bot at one concurrency: figures without it (before) and with it (after)."""

    change: str
    setting: str  # how it is applied (environment variable, file…)
    before: dict[str, Any]
    after: dict[str, Any]
    kept: bool
    note: str = ""


@dataclass
class BenchRun:
    date: str
    machine: str
    rasa_version: str
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    levels: list[LevelFigures]
    ready_seconds: dict[str, float]
    cold_starts: list[Optional[float]]
    verdicts: list[Verdict]
    settings: dict[str, str] = field(default_factory=dict)  # the tuned environment `make run` gives the servers
    tuning: list[Tuning] = field(default_factory=list)
    tuning_date: str = ""
    notes: list[str] = field(default_factory=list)


def short(figures: LevelFigures) -> dict[str, Any]:
    """What a tuning row keeps of a level."""
    return {
        "throughput": figures.throughput,
        "p95_ms": figures.p95_ms,
        "p50_ms": figures.p50_ms,
        "errors": figures.errors,
        "rss_mb": figures.rss_mb,
    }


def _ms(value: Optional[float]) -> str:
    return "—" if value is None else f"{value:.0f}"


def _verdict_mark(ok: Optional[bool]) -> str:
    return {True: "✅ atteint", False: "❌ non atteint", None: "— non mesuré"}[ok]


def _errors(figures: LevelFigures) -> str:
    if not figures.errors:
        return "0"
    kinds = ", ".join(f"{kind} : {count}" for kind, count in sorted(figures.error_kinds.items()))
    return f"{figures.errors} ({kinds})"


def _load(values: tuple[float, float, float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def render(run: BenchRun) -> str:
    lines = [
        "# Banc de vitesse du canal REST (`make bench`)",
        "",
        f"Mesure du {run.date} sur {run.machine}, Rasa {run.rasa_version}. Chaque bot tourne seul (l'un après l'autre), "
        "sur la boucle locale ; le générateur de charge (aiohttp) tourne sur la même machine et prend sa part des 2 cœurs.",
        "Chaque conversation virtuelle joue un dialogue scénarisé, message après message (le suivant part quand la "
        "réponse arrive), puis recommence avec un nouvel expéditeur. Après un échauffement non mesuré, on compte les "
        "messages partis pendant la fenêtre de mesure.",
        f"Charge de la machine (moyenne 1 / 5 / 15 min) : {_load(run.load_before)} avant, {_load(run.load_after)} après. "
        "La machine est partagée : d'autres travaux tournaient peut-être en même temps, ce qui gonfle les latences des deux bots.",
        "",
        "## Seuils",
        "",
        "| seuil | mesuré | verdict |",
        "|---|---|---|",
    ]
    lines += [f"| {v.bar} | {v.measured} | {_verdict_mark(v.ok)} |" for v in run.verdicts]
    lines += [
        "",
        "## Débit, latence, erreurs, mémoire",
        "",
        "Débit : réponses correctes par seconde. Erreurs : statut autre que 200, délai de 30 s dépassé, réponse vide, "
        "ou excuse « service momentanément indisponible » (serveur d'actions trop lent). Mémoire : pic de RSS pendant "
        "la mesure (serveur Rasa et ses processus enfants ; serveur d'actions à part). CPU par message : temps CPU "
        "des serveurs du bot pendant la mesure divisé par les réponses, peu sensible à la charge de la machine.",
        "",
        "| bot | conversations simultanées | messages | débit (msg/s) | p50 (ms) | p95 (ms) | p99 (ms) | erreurs | "
        "CPU serveurs par message (ms) | RSS Rasa (Mo) | RSS actions (Mo) | charge 1 min |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for f in run.levels:
        actions = f"{f.action_rss_mb:.0f}" if f.action_rss_mb else "—"
        lines.append(
            f"| {BOT_LABELS.get(f.bot, f.bot)} | {f.concurrency} | {f.messages} | {f.throughput:.1f} | "
            f"{_ms(f.p50_ms)} | {_ms(f.p95_ms)} | {_ms(f.p99_ms)} | {_errors(f)} | {_ms(f.cpu_ms_per_message)} | {f.rss_mb:.0f} | "
            f"{actions} | {f.load_average:.2f} |"
        )
    lines += ["", "## Démarrage", ""]
    if run.ready_seconds:
        lines.append(
            "Serveurs prêts (modèle chargé) pendant le banc : "
            + ", ".join(f"{BOT_LABELS.get(bot, bot)} {seconds:.0f} s" for bot, seconds in run.ready_seconds.items())
            + "."
        )
    if run.cold_starts:
        shown = ", ".join("pas de réponse" if s is None else f"{s:.1f} s" for s in run.cold_starts)
        lines.append(
            f"Démarrage à froid : du lancement de `python -m bot run` (ce que lance `make run` quand le modèle "
            f"existe) à la première vraie réponse à « Quand a lieu l'atelier sur les communs ? » : {shown}. "
            "Nouveaux processus à chaque fois ; le cache disque du système, lui, est déjà chaud."
        )
    if run.settings:
        lines += ["", "## Réglages appliqués par `make run`", "", "| variable | valeur |", "|---|---|"]
        lines += [f"| `{name}` | `{value}` |" for name, value in sorted(run.settings.items())]
    if run.tuning:
        lines += [
            "",
            "## Réglages essayés",
            "",
            f"Mesurés sur ce bot ({run.tuning_date or 'date inconnue'}, `python -m bot bench --reglages`), "
            "chacun contre la configuration de référence relancée dans la même série ; la machine partagée "
            "rend les écarts de moins de ~10 % peu significatifs.",
            "",
            "| réglage | comment | avant : débit / p95 / erreurs / RSS | après : débit / p95 / erreurs / RSS | décision |",
            "|---|---|---|---|---|",
        ]
        for t in run.tuning:
            lines.append(
                f"| {t.change} | {t.setting} | {_tuning_cell(t.before)} | {_tuning_cell(t.after)} | "
                f"{'gardé' if t.kept else 'écarté'}{' — ' + t.note if t.note else ''} |"
            )
    if run.notes:
        lines += ["", "## Notes", ""] + [f"- {note}" for note in run.notes]
    return "\n".join(lines) + "\n"


def _tuning_cell(figures: dict[str, Any]) -> str:
    if "text" in figures:  # a code change, measured by hand
        return str(figures["text"])
    return (
        f"{figures.get('throughput', 0):.1f} msg/s / {_ms(figures.get('p95_ms'))} ms / "
        f"{figures.get('errors', 0)} / {figures.get('rss_mb', 0):.0f} Mo"
    )


def to_json(run: BenchRun) -> str:
    return json.dumps(asdict(run), indent=2, ensure_ascii=False)


def from_json(text: str) -> BenchRun:
    data = json.loads(text)
    data["levels"] = [LevelFigures(**f) for f in data.get("levels", [])]
    data["verdicts"] = [Verdict(**v) for v in data.get("verdicts", [])]
    data["tuning"] = [Tuning(**t) for t in data.get("tuning", [])]
    for key in ("load_before", "load_after"):
        data[key] = tuple(data[key])
    return BenchRun(**data)


def write(run: BenchRun, directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    md, js = directory / "bench.md", directory / "bench.json"
    md.write_text(render(run), encoding="utf-8")
    js.write_text(to_json(run) + "\n", encoding="utf-8")
    return md, js


REPORTS = PROJECT_ROOT / "reports"


def say(text: str) -> None:
    print(f"[bench] {text}", flush=True)


def previous_run() -> Optional[BenchRun]:
    try:
        return from_json((REPORTS / "bench.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError):
        return None
