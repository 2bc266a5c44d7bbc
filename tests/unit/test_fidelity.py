"""The catalogue says only what the press kit says, in the press kit's own words.

data/dossier-de-presse.md is the press kit, byte for byte. Every descriptive text of
data/catalogue.yml (what the bot reads out as facts) must be made of sentences taken word for word
from it; only typography may differ (bot/domain/text.py: `quotation_form`). Labels (titles, names,
"le SGAR…" forms) are checked too: those the press kit does not spell out are listed below, each
with the reason it may differ. Ids and aliases are not compared: they are never read out.
"""

from __future__ import annotations

import hashlib
import re

import pytest

from bot.domain.catalogue import DEFAULT_CATALOGUE_PATH, Catalogue, load_catalogue
from bot.domain.text import is_excerpt, markdown_blocks, quotation_form, sentences

PRESS_KIT = DEFAULT_CATALOGUE_PATH.parent / "dossier-de-presse.md"
# A copy of ../shared/seed/dossier-de-presse.md; it is the reference, so nobody edits it.
PRESS_KIT_SHA256 = "adf73068de059b868e1043a68eeb4a0abaec77a26a51724548b93edbe772b4b3"

# Labels read out or shown that are not the press kit's words: field -> {exact text: why it may differ}.
# An entry stops applying when its text changes, and an entry no label needs fails the test.
LABELS_ALLOWED_TO_DIFFER = {
    "source": {
        "Dossier de presse « Mois de l'innovation publique en Pays de la Loire », Préfecture de Loire-Atlantique": (
            "names the press kit itself: its title and its signature"
        ),
    },
    "month.period": {"novembre 2020": "events « le 19 novembre »…, in the year of « début février 2020 »"},
    "contact.name": {
        "Préfecture de Loire-Atlantique, Service régional de la communication interministérielle": (
            "the kit's two signature lines, joined by a comma"
        ),
    },
    "contact.note": {
        "Le dossier de presse ne donne ni adresse électronique ni numéro de téléphone.": (
            "says what the kit lacks; checked by test_the_contact_note_is_true"
        ),
    },
    "organiser.in_sentence": {"la Préfecture de Région Pays de la Loire": "the kit's name with its article"},
    "topic.label": {
        "le passage à la majorité des jeunes de l'Aide sociale à l'enfance (ASE)": "theme: « jeunes de l'ASE »",
        "la créativité": "theme: « stimuler la pensée créative »",
        "la gestion des situations conflictuelles": "theme: « les causes d'un conflit »",
        "les outils collaboratifs": "theme: « la nouvelle plateforme collaborative »",
    },
    "glossary.label": {
        "la DITP": "the acronym the kit writes « (DITP) », with its article",
        "le FTAP": "the acronym the kit writes « (FTAP) », with its article",
        "le mind mapping": "« un premier mind mapping », with the definite article",
    },
    "event.kind": {
        "atelier": "category badge: « ateliers découverte »",
        "présentation": "category badge: « vous présenter »",
        "retours d'expérience": "category badge: « Des intervenants […] viendront présenter leur méthode »",
    },
}


def allowed(field: str, text: str) -> bool:
    return text in LABELS_ALLOWED_TO_DIFFER.get(field, {})


def descriptive_texts(cat: Catalogue) -> list[tuple[str, str]]:
    """(where, text) of every text the bot states as a fact about the month."""
    texts = [("month.theme", cat.month.theme), ("month.format", cat.month.format), ("month.purpose", cat.month.purpose)]
    for e in cat.events:
        texts.append((f"event.description [{e.id}]", e.description))
        if e.format:
            texts.append((f"event.format [{e.id}]", e.format))
    texts += [(f"person.role [{p.id}]", p.role) for p in cat.people]
    for p in cat.projects:
        texts.append((f"project.summary [{p.id}]", p.summary))
        if p.benefits:
            texts.append((f"project.benefits [{p.id}]", p.benefits))
    texts += [(f"glossary.definition [{g.id}]", g.definition) for g in cat.glossary]
    texts += [(f"figure.quote [{f.id}]", f.quote) for f in cat.figures]
    if cat.interview:
        texts.append(("interview.title", cat.interview.title))
        for q in cat.interview.questions:
            texts += [(f"interview.question [{q.id}]", q.question), (f"interview.answer [{q.id}]", q.answer)]
    return texts


def labels(cat: Catalogue) -> list[tuple[str, str]]:
    """(field, text) of every label shown to users. Not here: ids, aliases, dates, references."""
    month = cat.month
    found = [("source", cat.source), ("month.name", month.name), ("month.region", month.region)]
    found += [("month.period", month.period), ("contact.name", cat.contact.name)]
    found += [("contact.note", cat.contact.note)] if cat.contact.note else []
    for o in cat.organisers:
        found += [("organiser.name", o.name), ("organiser.in_sentence", o.in_sentence)]
    found += [("topic.label", t.label) for t in cat.topics]
    for e in cat.events:
        found += [("event.title", e.title), ("event.kind", e.kind)]
    found += [("person.name", p.name) for p in cat.people]
    for p in cat.projects:
        found += [("project.name", p.name), ("project.kind", p.kind)]
    found += [("glossary.label", g.label) for g in cat.glossary]
    return found


CATALOGUE = load_catalogue()
KIT = markdown_blocks(PRESS_KIT.read_text(encoding="utf-8"))


def test_the_press_kit_copy_is_untouched():
    assert hashlib.sha256(PRESS_KIT.read_bytes()).hexdigest() == PRESS_KIT_SHA256


@pytest.mark.parametrize("where, text", descriptive_texts(CATALOGUE), ids=[w for w, _ in descriptive_texts(CATALOGUE)])
def test_every_sentence_of_a_descriptive_text_is_quoted_from_the_press_kit(where, text):
    not_quoted = [s for s in sentences(text) if not is_excerpt(s, KIT, whole_clause=True)]
    assert not_quoted == [], f"{where} : phrases absentes du dossier de presse, mot pour mot"


@pytest.mark.parametrize("field, text", labels(CATALOGUE), ids=[f"{f}={t}" for f, t in labels(CATALOGUE)])
def test_a_label_is_the_press_kit_words_or_reviewed(field, text):
    assert is_excerpt(text, KIT) or allowed(field, text), f"{field} « {text} »"


def test_the_allow_list_holds_only_labels_that_need_it():
    entries = [(field, text) for field, texts in LABELS_ALLOWED_TO_DIFFER.items() for text in texts]
    current = set(labels(CATALOGUE))
    assert [entry for entry in entries if entry not in current] == []
    assert [entry for entry in entries if is_excerpt(entry[1], KIT)] == []


def test_the_contact_note_is_true():
    kit = PRESS_KIT.read_text(encoding="utf-8")
    assert "@" not in kit and not re.search(r"\d{2}[ .]?\d{2}[ .]?\d{2}[ .]?\d{2}[ .]?\d{2}", kit)


# --- what "word for word" tolerates ---------------------------------------------------------------


def test_only_typography_is_ignored():
    assert quotation_form("l’État « au cœur »  des — territoires") == quotation_form(
        "l'Etat «au coeur» des - TERRITOIRES"
    )
    assert quotation_form("dynamique…") == quotation_form("dynamique...")
    assert quotation_form("pas neutres") != quotation_form("pas si neutres")
    assert quotation_form("du logement") != quotation_form("de l'accession aux logements")


def test_an_excerpt_is_whole_words_and_whole_clauses():
    kit = ["Mesurer, compter, évaluer, ces activités ne sont pas si neutres ; elles reflètent notre vision du monde."]
    assert is_excerpt("Mesurer, compter, évaluer, ces activités ne sont pas si neutres.", kit, whole_clause=True)
    assert is_excerpt("Elles reflètent notre vision du monde.", kit, whole_clause=True)
    assert not is_excerpt("Mesurer, compter, évaluer, ces activités ne sont pas.", kit, whole_clause=True)
    assert not is_excerpt("Mesurer, compter, évaluer, ces activités ne sont pas neutres.", kit)
    assert not is_excerpt("activité", kit)
    assert is_excerpt("ces activités", kit) and not is_excerpt("ces activités", kit, whole_clause=True)


def test_markdown_markup_is_not_part_of_the_text():
    blocks = markdown_blocks("##### **Initiation**\n\n[OSMOSE](#) est «*demarches-simplifiees.fr*»  \n")
    assert blocks == ["Initiation", "OSMOSE est «demarches-simplifiees.fr»"]
    assert sentences("Objectifs : Développer l'écoute. Rester assertif. Trouver une sortie.") == [
        "Objectifs : Développer l'écoute.",
        "Rester assertif.",
        "Trouver une sortie.",
    ]
