"""Mentions as people type them link to catalogue entries; unrelated words link to nothing."""

from __future__ import annotations

import pytest

from bot.domain.catalogue import load_catalogue
from bot.domain.linking import Linker


@pytest.fixture(scope="module")
def linker():
    return Linker(load_catalogue())


@pytest.mark.parametrize(
    "value, kind, expected",
    [
        ("serious game", "event", ("event", "serious-game")),
        ("serius game", "event", ("event", "serious-game")),
        ("mind maping", "event", ("event", "mind-mapping")),
        ("comuns", "topic", ("topic", "communs")),
        ("Comptabilité CARE", "topic", ("topic", "care")),
        ("la 27eme region", "organiser", ("organiser", "27e-region")),
        ("sgar", "organiser", ("organiser", "sgar")),
        ("CAP2030", "project", ("project", "cap-2030")),
        ("etat lin", "project", ("project", "etat-lin")),
        ("Marion Guerchet", "person", ("person", "marion-guerchet")),
        ("serious-game", "event", ("event", "serious-game")),  # a button payload carries the id
        ("communs", "event", ("event", "communs")),
    ],
)
def test_entity_values(linker, value, kind, expected):
    assert linker.link_value(value, kind) == expected


@pytest.mark.parametrize(
    "text, kind, ident",
    [
        ("le truc sur la compta", "topic", "care"),
        ("l'atelier de la 27e Région", "organiser", "27e-region"),
        ("Quand a lieu l'atelier sur les comuns ?", "topic", "communs"),
        ("celui sur les jeunes de l'ASE", "topic", "ase"),
        ("c quand le serius game", "event", "serious-game"),
        ("parle moi du lab 3.0", "project", "lab-3-0"),
    ],
)
def test_scanning_free_text(linker, text, kind, ident):
    assert ident in linker.scan(text).of(kind)


@pytest.mark.parametrize(
    "text", ["je voudrais refaire ma carte grise", "qui ira chercher le pain", "quel temps fait-il", "bonjour"]
)
def test_unrelated_text_links_to_nothing(linker, text):
    assert linker.scan(text).is_empty()


def test_longest_name_wins(linker):
    mentions = linker.scan("que propose La 27e Région ?")
    assert mentions.of("organiser") == ["27e-region"]
