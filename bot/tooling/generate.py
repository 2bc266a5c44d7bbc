"""Generate NLU lookup tables and synonyms from the catalogue (data/nlu/generated/).

Run before every training (`make train` does it): adding a name to the catalogue is then
enough for the model to learn it. The output is a build product, ignored by git.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from bot.domain.catalogue import DEFAULT_CATALOGUE_PATH, load_catalogue
from bot.domain.catalogue.model import Catalogue
from bot.domain.dates import MONTHS, WEEKDAYS
from bot.domain.text import fold
from bot.runtime.settings import PROJECT_ROOT
from bot.runtime.startup_errors import explained

GENERATED_PATH = PROJECT_ROOT / "data" / "nlu" / "generated" / "catalogue.yml"
HEADER = "# Fichier généré depuis data/catalogue.yml par `python -m bot generate` : ne pas éditer.\n"
DATE_REGEXES = [r"\b\d{1,2}\s*[/.-]\s*\d{1,2}([/.-]\d{2,4})?\b", r"\b\d{4}-\d{2}-\d{2}\b"]
DATE_WORDS = [*WEEKDAYS, *MONTHS, "aujourd'hui", "demain", "après-demain", "hier", "semaine", "prochain", "1er"]


def _variants(name: str) -> list[str]:
    """The name as written, lowercased, and without accents."""
    return list(dict.fromkeys([name, name.lower(), fold(name)]))


def entity_names(catalogue: Catalogue) -> dict[str, dict[str, list[str]]]:
    """entity type -> catalogue id -> every way of writing it (`term`: the glossary's own terms)."""
    groups = {
        "event": {e.id: list(e.aliases) for e in catalogue.events},
        "topic": {t.id: list(t.aliases) for t in catalogue.topics},
        "organiser": {o.id: list(o.aliases) for o in catalogue.organisers},
        "project": {p.id: list(p.aliases) for p in catalogue.projects},
        "person": {p.id: [p.name, *p.aliases] for p in catalogue.people},
    }
    names = {
        kind: {i: [v for n in names for v in _variants(n)] for i, names in ids.items()} for kind, ids in groups.items()
    }
    names["term"] = _term_names(catalogue, names)
    return names


def _term_names(catalogue: Catalogue, others: dict[str, dict[str, list[str]]]) -> dict[str, list[str]]:
    """Glossary terms that are no other kind (refers_to empty), minus the names another kind already has
    or contains: « Osmose » stays an event even if the glossary defines it, and « transformation publique »
    is left out, being part of the DITP's name."""
    taken = {f" {fold(v)} " for ids in others.values() for values in ids.values() for v in values}

    def free(alias: str) -> bool:
        words = f" {fold(alias)} "
        return not any(words in name for name in taken)

    terms: dict[str, list[str]] = {}
    for entry in catalogue.glossary:
        if entry.refers_to is not None:
            continue
        values = [v for alias in entry.aliases if free(alias) for v in _variants(alias)]
        if values:
            terms[entry.id] = list(dict.fromkeys(values))
    return terms


def build_nlu(catalogue: Catalogue) -> dict:
    names = entity_names(catalogue)
    nlu: list[dict] = []
    for kind, ids in names.items():
        values = sorted({v for vs in ids.values() for v in vs})
        if values:
            nlu.append({"lookup": kind, "examples": "".join(f"- {v}\n" for v in values)})
    nlu.append({"lookup": "date", "examples": "".join(f"- {w}\n" for w in DATE_WORDS)})
    nlu.append({"regex": "date", "examples": "".join(f"- {r}\n" for r in DATE_REGEXES)})
    # A written form that could mean two entries is left out of synonyms: the action asks instead.
    owners: dict[str, set[str]] = {}
    for ids in names.values():
        for ident, values in ids.items():
            for v in values:
                owners.setdefault(v.lower(), set()).add(ident)
    for ids in names.values():
        for ident, values in ids.items():
            synonyms = sorted({v for v in values if owners[v.lower()] == {ident} and v.lower() != ident})
            if synonyms:
                nlu.append({"synonym": ident, "examples": "".join(f"- {v}\n" for v in synonyms)})
    return {"version": "3.1", "nlu": nlu}


class _LiteralDumper(yaml.SafeDumper):
    pass


_LiteralDumper.add_representer(
    str, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", s, style="|" if "\n" in s else None)
)


def write_generated(catalogue: Catalogue, path: Path = GENERATED_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = HEADER + yaml.dump(
        build_nlu(catalogue), Dumper=_LiteralDumper, allow_unicode=True, sort_keys=False, width=200
    )
    if not path.exists() or path.read_text(encoding="utf-8") != text:  # keep mtime for Rasa's cache
        path.write_text(text, encoding="utf-8")
    return path


def check_command(argv: list[str]) -> int:
    """`python -m bot check`: the catalogue loads and validates, or one French line says where it does not."""
    parser = argparse.ArgumentParser(prog="python -m bot check", description="Valider le catalogue.")
    parser.add_argument(
        "--catalogue", default=str(DEFAULT_CATALOGUE_PATH), help="fichier catalogue (défaut : data/catalogue.yml)"
    )
    args = parser.parse_args(argv)

    def check() -> int:
        catalogue = load_catalogue(args.catalogue)
        print(
            f"Catalogue valide : {len(catalogue.events)} événements, {len(catalogue.organisers)} organisateurs, "
            f"{len(catalogue.topics)} thèmes, {len(catalogue.projects)} projets."
        )
        return 0

    return explained(check, "Catalogue illisible", (ValueError,))
