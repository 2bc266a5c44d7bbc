"""`make bench` = `python -m bot bench`: the anchor, then this bot, at each concurrency; cold starts; the report.

Options: --duree S (measured seconds per level, 20), --echauffement S (5), --niveaux 1,16,64,
--demarrages N (cold starts, 3), --reglages (the tuning series instead, see bot/tooling/bench/tuning.py).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import sys
import tempfile
from pathlib import Path
from typing import Optional

from bot.runtime.launcher import StartupError
from bot.runtime.quiet import silence
from bot.tooling.bench import report
from bot.tooling.bench.anchor import prepare_anchor
from bot.tooling.bench.dialogues import ANCHOR, OURS
from bot.tooling.bench.load import Level, drive
from bot.tooling.bench.report import REPORTS, BenchRun, previous_run, say
from bot.tooling.bench.servers import BotUnderTest, cold_start, start_anchor, start_ours
from bot.tooling.bench.stats import LevelFigures
from bot.tooling.bench.tuning import applied_settings, tuning_run
from bot.tooling.bench.verdicts import judge

NOTES = [
    "Ce projet tourne comme avec `make run` : serveur d'actions (jeton), serveur Rasa, base SQLite des conversations "
    "(nouvelle à chaque banc), modèle signé vérifié ; limites de débit par adresse et par expéditeur coupées "
    "(`RATE_LIMIT_IP_PER_MINUTE=0`, `RATE_LIMIT_SENDER_PER_MINUTE=0`) car un seul client joue toutes les conversations ; "
    "date de référence fixée au 18 novembre 2020 pour que les questions de dates trouvent des événements.",
    "Le bot nu de `rasa init` (anglais, humeurs) tourne avec `rasa run --enable-api` dans son dossier : conversations "
    "en mémoire, pas de serveur d'actions, pas de spaCy ; ses messages font 1 à 4 mots. Ce projet fait par message "
    "une analyse spaCy + DIET, un appel au serveur d'actions (le suivi de la conversation part en JSON) et une "
    "écriture SQLite : l'écart de débit vient de là, pas d'un réglage oublié.",
    "Reproduire : `make bench` (~8 min une fois le bot nu entraîné) ; options `python -m bot bench --duree 20 "
    "--echauffement 5 --niveaux 1,16,64 --demarrages 3` ; réglages : `python -m bot bench --reglages` (~5 min).",
]


def measure(bot: BotUnderTest, dialogues, levels: list[Level]) -> list[LevelFigures]:
    figures = []
    for level in levels:
        say(
            f"{report.BOT_LABELS[bot.label]} : {level.concurrency} conversation(s) simultanée(s), "
            f"{level.warmup:g} s d'échauffement puis {level.duration:g} s mesurées…"
        )
        f = asyncio.run(drive(bot.url, bot.label, dialogues, level, bot.memory, bot.cpu_seconds))
        say(
            f"  {f.throughput:.1f} msg/s, p50 {f.p50_ms} ms, p95 {f.p95_ms} ms, p99 {f.p99_ms} ms, "
            f"{f.errors} erreur(s), RSS {f.rss_mb:.0f} Mo + {f.action_rss_mb:.0f} Mo"
        )
        figures.append(f)
    return figures


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "processeur inconnu",
    )
    return f"{os.cpu_count()} cœurs ({model}), Python {platform.python_version()}"


def main_run(args: argparse.Namespace) -> int:
    import rasa  # the version in the report; imported late, after silence()

    levels = [Level(int(n), args.echauffement, args.duree) for n in args.niveaux.split(",")]
    load_before = os.getloadavg()
    say("bot nu de `rasa init` : préparation (entraîné une seule fois, puis gardé dans var/bench/)…")
    anchor_dir, anchor_model = prepare_anchor()
    figures: list[LevelFigures] = []
    ready: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        logs = Path(scratch)
        for label in ("anchor", "ours"):
            bot = (
                start_anchor(anchor_dir, anchor_model, logs)
                if label == "anchor"
                else start_ours(logs, logs / "tracker.db")
            )
            ready[label] = bot.ready_seconds
            say(f"{report.BOT_LABELS[label]} prêt en {bot.ready_seconds:.0f} s ({bot.url})")
            try:
                figures += measure(bot, ANCHOR if label == "anchor" else OURS, levels)
            finally:
                bot.stop()
        cold: list[Optional[float]] = []
        for index in range(args.demarrages):
            say(f"démarrage à froid {index + 1}/{args.demarrages} de `python -m bot run`…")
            cold.append(cold_start(logs, logs / f"froid-{index}.db", index=index))
            say(f"  première réponse après {cold[-1]} s")
    previous = previous_run()
    run = BenchRun(
        date=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        machine=machine(),
        rasa_version=rasa.__version__,
        load_before=tuple(round(v, 2) for v in load_before),
        load_after=tuple(round(v, 2) for v in os.getloadavg()),
        levels=figures,
        ready_seconds=ready,
        cold_starts=cold,
        verdicts=judge(figures, cold, "ours", "anchor"),
        settings=applied_settings(),
        tuning=previous.tuning if previous else [],
        tuning_date=previous.tuning_date if previous else "",
        notes=NOTES,
    )
    md, _ = report.write(run, REPORTS)
    print(md.read_text(encoding="utf-8"))
    return 0 if all(v.ok is not False for v in run.verdicts) else 1


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot bench", description="Banc de vitesse du canal REST.")
    parser.add_argument("--duree", type=float, default=20.0, help="secondes mesurées par niveau (20)")
    parser.add_argument("--echauffement", type=float, default=5.0, help="secondes d'échauffement par niveau (5)")
    parser.add_argument("--niveaux", default="1,16,64", help="conversations simultanées (1,16,64)")
    parser.add_argument("--demarrages", type=int, default=3, help="démarrages à froid mesurés (3)")
    parser.add_argument("--reglages", action="store_true", help="série des réglages essayés au lieu du banc")
    args = parser.parse_args(argv)
    if (
        args.duree <= 0
        or args.echauffement < 0
        or args.demarrages < 0
        or not all(n.strip().isdigit() and int(n) > 0 for n in args.niveaux.split(","))
    ):
        parser.error("durées positives et niveaux entiers > 0 séparés par des virgules attendus")
    return args


def main(argv: Optional[list[str]] = None) -> int:
    silence()
    args = parse(sys.argv[1:] if argv is None else argv)
    try:
        if args.reglages:
            return tuning_run(args)
        return main_run(args)
    except (StartupError, RuntimeError, OSError, ValueError) as exc:
        print(f"[bench] Banc impossible : {exc}", file=sys.stderr)
        return 2
