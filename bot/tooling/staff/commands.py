"""The staff commands of `python -m bot`: retrain, rollback, review, import, and generate with its report."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from bot.domain.catalogue import DEFAULT_CATALOGUE_PATH, load_catalogue
from bot.runtime.startup_errors import explained
from bot.tooling.generate import GENERATED_PATH, write_generated
from bot.tooling.staff.changes import generated_names, new_names
from bot.tooling.staff.history import ModelHistory
from bot.tooling.staff.project import Project, StaffError
from bot.tooling.staff.publish import RasaApi
from bot.tooling.staff.retrain import retrain, rollback
from bot.tooling.staff.review import import_review, review


def _log(message: str) -> None:
    print(message, flush=True)


def generate(args: argparse.Namespace) -> int:
    """Refresh lookup tables and synonyms; list names the served model has not learnt and suggest a retrain."""
    project = Project.here()
    output = Path(args.output)
    before = generated_names(output) if output.exists() else {}
    catalogue = load_catalogue(args.catalogue)
    path = write_generated(catalogue, output)
    print(f"Tables de recherche et synonymes générés : {path}")
    manifest = ModelHistory(project).current_manifest() or {}
    reference, label = (
        (manifest["names"], "le modèle en service") if manifest.get("names") else (before, "la génération précédente")
    )
    added = new_names(reference, generated_names(path)) if reference else {}
    if added:
        for kind, values in added.items():
            print(f"Nouveaux noms ({kind}) absents de {label} : {', '.join(values)}")
        print(
            "Le bot répond déjà sur ces entrées (catalogue rechargé à chaud), mais pour qu'il reconnaisse "
            "ces noms dans les phrases, réentraînez : make retrain"
        )
    return 0


def _retrain(args: argparse.Namespace) -> int:
    project = Project.here()
    api = None if args.no_server else RasaApi.from_settings()
    try:
        report = retrain(project, api, _log, publish_model=not args.dry_run)
    except StaffError as exc:
        print(f"\nÉCHEC — {exc}\nLe bot en service n'a pas été modifié.", file=sys.stderr, flush=True)
        return 1
    for line in report.changes:
        _log(line)
    timings = ", ".join(f"{step} {seconds:.0f} s" for step, seconds in report.timings.items())
    _log(f"Durées : {timings}")
    if not report.published:
        _log("Tous les contrôles passent (--sans-publier : rien n'a été publié).")
    elif report.loaded_in_server:
        _log(f"Modèle {report.model_id} publié et chargé dans le serveur Rasa. Retour arrière : make rollback")
    else:
        _log(f"Modèle {report.model_id} publié ; il sera chargé au prochain `make run`. Retour arrière : make rollback")
    return 0


def _rollback(args: argparse.Namespace) -> int:
    project = Project.here()
    try:
        restored = rollback(project, None if args.no_server else RasaApi.from_settings(), _log)
    except StaffError as exc:
        print(f"ÉCHEC — {exc}", file=sys.stderr)
        return 1
    _log(
        f"Modèle {restored} remis en service ({project.live_model}). Le modèle retiré reste dans {project.history_dir} : "
        "`make rollback` à nouveau le remet."
    )
    return 0


def _review(args: argparse.Namespace) -> int:
    project = Project.here()
    output = Path(args.output or project.root / "reviews" / f"revue-{dt.date.today():%Y-%m-%d}.yml")
    try:
        items = review(project, Path(args.db) if args.db else project.tracker_db, output, args.threshold)
    except StaffError as exc:
        print(f"ÉCHEC — {exc}", file=sys.stderr)
        return 1
    total = sum(i.occurrences for i in items)
    _log(f"{len(items)} messages différents à revoir ({total} occurrences) écrits dans {output}.")
    _log(f"Annotez `intention_correcte`, puis : python -m bot import {output}")
    return 0


def _import(args: argparse.Namespace) -> int:
    project = Project.here()
    try:
        result = import_review(project, Path(args.file))
    except StaffError as exc:
        print(f"ÉCHEC — {exc}", file=sys.stderr)
        return 1
    for intent, example in result.examples_added:
        _log(f"  + {intent} : {example}")
    _log(
        f"{len(result.examples_added)} exemples ajoutés à data/nlu/revue.yml, {result.tests_added} cas ajoutés à "
        f"tests/test_stories_revue.yml, {len(result.duplicates)} déjà connus, {len(result.held_out)} écartés "
        "(présents dans un jeu de test ou de contrôle NLU, qui doivent rester à part)."
    )
    if result.examples_added:
        _log("Pour que le bot les apprenne : make retrain")
    return 0


def _parser(command: str, description: str) -> argparse.ArgumentParser:
    return argparse.ArgumentParser(prog=f"python -m bot {command}", description=description)


def generate_command(argv: list[str]) -> int:
    parser = _parser("generate", "Générer les tables de recherche et les synonymes depuis le catalogue.")
    parser.add_argument(
        "--catalogue", default=str(DEFAULT_CATALOGUE_PATH), help="fichier catalogue (défaut : data/catalogue.yml)"
    )
    parser.add_argument(
        "--output", default=str(GENERATED_PATH), help="fichier produit (défaut : data/nlu/generated/catalogue.yml)"
    )
    return explained(lambda: generate(parser.parse_args(argv)), "Génération impossible", (ValueError,))


def retrain_command(argv: list[str]) -> int:
    parser = _parser("retrain", "Valider, entraîner, tester puis publier le nouveau modèle.")
    parser.add_argument("--sans-publier", dest="dry_run", action="store_true", help="tout vérifier sans publier")
    parser.add_argument(
        "--sans-serveur", dest="no_server", action="store_true", help="ne pas contacter le serveur Rasa"
    )
    return _retrain(parser.parse_args(argv))


def rollback_command(argv: list[str]) -> int:
    parser = _parser("rollback", "Remettre en service le modèle précédent.")
    parser.add_argument(
        "--sans-serveur", dest="no_server", action="store_true", help="ne pas contacter le serveur Rasa"
    )
    return _rollback(parser.parse_args(argv))


def review_command(argv: list[str]) -> int:
    parser = _parser("review", "Lister les messages mal compris des conversations réelles.")
    parser.add_argument("--db", help="base SQLite des conversations (défaut : TRACKER_DB ou var/tracker.db)")
    parser.add_argument("--output", help="fichier de revue YAML (défaut : reviews/revue-AAAA-MM-JJ.yml)")
    parser.add_argument(
        "--seuil", dest="threshold", type=float, default=0.7, help="confiance en dessous de laquelle revoir (0.7)"
    )
    return _review(parser.parse_args(argv))


def import_command(argv: list[str]) -> int:
    parser = _parser("import", "Ajouter les messages annotés aux exemples NLU et aux tests.")
    parser.add_argument("file", help="fichier de revue annoté")
    return _import(parser.parse_args(argv))
