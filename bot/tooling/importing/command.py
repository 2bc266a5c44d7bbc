"""`python -m bot import-events FICHIER`: the command line of the import, with French help.

Everything is built in memory; the target is replaced only by a file that `load_catalogue` accepts
(`writing.write_validated`). Any problem is one French line on stderr and exit code 2, and nothing
is written.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from ruamel.yaml.comments import CommentedMap

from bot.domain.catalogue import load_catalogue
from bot.domain.catalogue.model import DEFAULT_TIMEZONE
from bot.runtime.settings import SettingsError, load_settings
from bot.runtime.startup_errors import explained
from bot.tooling.importing.edition import apply, base_zone, new_document
from bot.tooling.importing.icalendar_source import read_icalendar
from bot.tooling.importing.openagenda_source import read_openagenda
from bot.tooling.importing.records import ImportFailure, SourceEvent
from bot.tooling.importing.report import Report
from bot.tooling.importing.writing import dump, read_document, write_validated

Reader = Callable[[Path, ZoneInfo], "list[SourceEvent]"]
ICALENDAR_SUFFIXES = (".ics", ".ical", ".icalendar", ".ifb")
UPDATE_NOTE = (
    "YAML écrit par ruamel.yaml en aller-retour : commentaires et mise en forme du catalogue de base conservés."
)
NEW_NOTE = "YAML écrit par ruamel.yaml (textes entre guillemets, descriptions en paragraphes repliés)."


def source_reader(path: Path) -> tuple[str, Reader]:
    """iCalendar or OpenAgenda, from the file's suffix, else from its first characters."""
    if not path.is_file():
        raise ImportFailure(f"{path} : fichier introuvable")
    suffix = path.suffix.lower()
    if suffix in ICALENDAR_SUFFIXES:
        return "iCalendar", read_icalendar
    if suffix == ".json":
        return "OpenAgenda", read_openagenda
    try:
        with path.open("rb") as stream:
            start = stream.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as exc:
        raise ImportFailure(f"{path} : fichier illisible ({exc.strerror or exc})") from None
    if start.upper().startswith(b"BEGIN:VCALENDAR"):
        return "iCalendar", read_icalendar
    if start[:1] in (b"{", b"["):
        return "OpenAgenda", read_openagenda
    raise ImportFailure(f"{path} : format inconnu (attendu : un fichier iCalendar .ics ou un export OpenAgenda .json)")


def run(args: argparse.Namespace) -> int:
    source = Path(args.file)
    kind, read = source_reader(source)
    base = Path(args.catalogue) if args.catalogue else load_settings().catalogue_path
    reference = None
    if args.new_edition:
        missing = [name for name, value in (("--region", args.region), ("--contact", args.contact)) if not value]
        if missing:
            raise ImportFailure(f"--nouvelle-edition demande aussi {' et '.join(missing)}")
        if not args.output:
            raise ImportFailure(
                "--nouvelle-edition demande --sortie CHEMIN (le catalogue de base n'est jamais remplacé)"
            )
        output = Path(args.output)
        if output.exists():
            raise ImportFailure(f"{output} existe déjà : une nouvelle édition ne remplace pas un catalogue existant")
        zone = ZoneInfo(DEFAULT_TIMEZONE)
        events = read(source, zone)
        document = new_document(events, f"Export {kind} « {source.name} »", args.region, args.contact, zone)
        default_organiser = args.organiser
        # Organisers and topics the base catalogue already knows are recognised and copied with their aliases.
        if base.exists():
            load_catalogue(base)
            reference = read_document(base)
        else:
            reference = CommentedMap()
        mode = (
            f"Nouvelle édition (organisateurs et thèmes reconnus d'après {base})"
            if base.exists()
            else "Nouvelle édition"
        )
    else:
        load_catalogue(base)  # an invalid base is said as such, before anything else
        document = read_document(base)
        zone = base_zone(document, base)
        events = read(source, zone)
        default_organiser = args.organiser or str(document["month"]["organiser"])
        output = Path(args.output) if args.output else base
        mode = f"Mise à jour de {base}"
    note = NEW_NOTE if args.new_edition else UPDATE_NOTE
    report = Report(source=str(source), source_kind=kind, target=str(output), mode=mode, yaml_writer=note)
    apply(document, events, report, zone, default_organiser, reference)
    write_validated(dump(document), output)
    print(report.render(), end="")
    if args.report:
        report_path = Path(args.report)
        try:
            report_path.parent.mkdir(parents=True, exist_ok=True)
            report_path.write_text(report.render(markdown=True), encoding="utf-8")
        except OSError as exc:
            raise ImportFailure(
                f"{report_path} : rapport impossible à écrire ({exc.strerror or exc}) ; le catalogue, lui, est écrit"
            ) from None
        print(f"Rapport Markdown : {report_path}")
    return 0


def import_events_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot import-events",
        description=(
            "Construire ou mettre à jour un catalogue depuis un fichier iCalendar (.ics) ou un export "
            "JSON d'OpenAgenda. Rien n'est écrit si le fichier ou le catalogue obtenu est invalide."
        ),
    )
    parser.add_argument("file", metavar="FICHIER", help="fichier iCalendar (.ics) ou export OpenAgenda (.json)")
    parser.add_argument(
        "--catalogue",
        metavar="CHEMIN",
        help="catalogue à mettre à jour (défaut : MOIS_CATALOGUE ou data/catalogue.yml)",
    )
    parser.add_argument(
        "--sortie", dest="output", metavar="CHEMIN", help="fichier écrit (défaut : le catalogue, mis à jour sur place)"
    )
    parser.add_argument(
        "--nouvelle-edition",
        dest="new_edition",
        action="store_true",
        help="construire une nouvelle édition (mois tiré des événements) au lieu de mettre à jour ; demande --region, --contact et --sortie",
    )
    parser.add_argument(
        "--region", metavar="RÉGION", help="région de la nouvelle édition, par exemple « Pays de la Loire »"
    )
    parser.add_argument("--contact", metavar="NOM", help="contact de la nouvelle édition (service, adresse…)")
    parser.add_argument(
        "--organisateur",
        dest="organiser",
        metavar="NOM",
        help="organisateur des événements qui n'en donnent pas (défaut en mise à jour : celui du mois)",
    )
    parser.add_argument("--rapport", dest="report", metavar="CHEMIN", help="écrire aussi le rapport en Markdown")
    args = parser.parse_args(argv)
    return explained(lambda: run(args), "Import impossible", (ImportFailure, SettingsError))
