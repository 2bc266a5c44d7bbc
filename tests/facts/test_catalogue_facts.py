"""Every fact of the catalogue, asked in French over the REST channel of the real servers.

The questions are built from the catalogue's names (an event's aliases, a term's aliases, a
project's name, a figure's keywords, the interview's questions) and the expected facts are
computed from its fields (format_day of the date, the organisers' names, the first sentence of a
description or summary, a definition, a figure's sentence). A new catalogue entry is tested
without writing a test.

Time: the servers run with MOIS_REFERENCE_DATE pinned to REFERENCE_DATE (2020-11-18, the day
before the first event, tests/support/servers.py). Every event is after it, so the bot speaks in
the present ("a lieu le jeudi 19 novembre 2020", "est organisé par"); the tense expected below is
computed from that day, so that moving the reference day moves the expectation with it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest

from bot.domain.catalogue import Event, load_catalogue
from bot.domain.dates import format_day
from bot.domain.text import fold
from tests.facts.checks import by_words, exact, first_sentence, slug
from tests.support.servers import REFERENCE_DATE, ask, texts

CATALOGUE = load_catalogue()
TODAY = dt.date.fromisoformat(REFERENCE_DATE)


@dataclass(frozen=True)
class Case:
    question: str
    exact: tuple[str, ...] = ()  # found as written
    words: tuple[str, ...] = ()  # found by their words (accents, case, punctuation aside)
    absent: tuple[str, ...] = ()  # must not be in the reply


def de(name: str) -> str:
    """French "de" before a name: "du Lab' 3.0", "d'Etat'LIN", "de la comptabilité CARE"."""
    folded = fold(name)
    if folded.startswith("le "):
        return "du " + name[3:]
    if folded.startswith("les "):
        return "des " + name[4:]
    if folded[:1] in set("aeiouyh") and not folded.startswith("l'"):
        return "d'" + name
    return "de " + name


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def unique_ids(params: list) -> list:
    """Two names folding to the same id ("mind-mapping", "mind mapping") keep both tests: -2, -3…"""
    seen: dict[str, int] = {}
    unique = []
    for param in params:
        seen[param.id] = seen.get(param.id, 0) + 1
        ident = param.id if seen[param.id] == 1 else f"{param.id}-{seen[param.id]}"
        unique.append(pytest.param(*param.values, id=ident))
    return unique


def run(rasa_server, case: Case) -> None:
    sender = f"faits-{uuid.uuid4().hex[:10]}"
    reply = texts(ask(rasa_server, sender, case.question))
    missing = [f for f in case.exact if not exact(f, reply)] + [f for f in case.words if not by_words(f, reply)]
    present = [f for f in case.absent if exact(f, reply)]
    assert not missing and not present, (
        f"\nQuestion : {case.question!r}\nAttendu  : {missing!r}\nInterdit présent : {present!r}\nRéponse  : {reply!r}"
    )


# --- Events: date, organiser, description ------------------------------------------------------

DATE_QUESTIONS = (
    "Quand a eu lieu l'événement « {alias} » ?",
    "{alias} : c'est quel jour ?",
    "Bonjour, pouvez-vous me dire à quelle date se tient l'événement « {alias} » ?",
)
ORGANISER_QUESTIONS = (
    "Qui organisait l'événement « {alias} » ?",
    "{alias} : c'est organisé par qui ?",
    "Qui anime l'événement « {alias} », s'il vous plaît ?",
)
DESCRIPTION_QUESTIONS = (
    "De quoi parlait l'événement « {alias} » ?",
    "Pouvez-vous me présenter l'événement « {alias} » ?",
    "{alias}, ça parle de quoi ?",
)


def date_facts(event: Event) -> tuple[str, ...]:
    when = format_day(event.date)
    if event.date < TODAY:
        return (f"{event.title} a eu lieu le {when}",)
    if event.date == TODAY:
        return (f"{event.title} a lieu aujourd'hui, {when}",)
    return (f"{event.title} a lieu le {when}",)


def organiser_facts(event: Event) -> tuple[str, ...]:
    verb = "a été organisé par" if event.date < TODAY else "est organisé par"
    names = [CATALOGUE.organiser(o).in_sentence for o in (*event.organisers, *event.speakers)]
    people = [CATALOGUE.person(p) for p in event.people]
    return (f"{event.title} {verb}", *names, *(f"{p.name}, {p.role}" for p in people))


def event_cases() -> list:
    cases = []
    for n, event in enumerate(CATALOGUE.events_sorted()):
        facets = (
            ("date", DATE_QUESTIONS, Case("", exact=date_facts(event))),
            ("organisateur", ORGANISER_QUESTIONS, Case("", exact=organiser_facts(event))),
            (
                "description",
                DESCRIPTION_QUESTIONS,
                Case("", exact=(event.title,), words=(first_sentence(event.description),)),
            ),
        )
        for i, (facet, templates, expected) in enumerate(facets):
            alias = event.aliases[(n + i) % len(event.aliases)]
            question = templates[(n + i) % len(templates)].format(alias=alias)
            case = Case(question, expected.exact, expected.words, ("Désolé, je n'ai pas compris",))
            cases.append(pytest.param(case, id=f"{event.id}-{facet}-{slug(alias)}"))
    return cases


@pytest.mark.parametrize("case", unique_ids(event_cases()))
def test_event_fact(rasa_server, case):
    run(rasa_server, case)


def alias_cases() -> list:
    """Each name of each event is understood: its date, asked with that name."""
    cases = []
    for event in CATALOGUE.events_sorted():
        for i, alias in enumerate((event.title, *event.aliases)):
            question = DATE_QUESTIONS[i % len(DATE_QUESTIONS)].format(alias=alias)
            cases.append(pytest.param(Case(question, exact=date_facts(event)), id=f"{event.id}-{slug(alias)}"))
    return cases


@pytest.mark.parametrize("case", unique_ids(alias_cases()))
def test_event_date_by_each_name(rasa_server, case):
    run(rasa_server, case)


# --- Glossary ------------------------------------------------------------------------------------

DEFINITION_QUESTIONS = (
    "C'est quoi {alias} ?",
    "Que veut dire « {alias} » ?",
    "{alias}, ça veut dire quoi exactement ?",
    "Pouvez-vous m'expliquer ce que signifie « {alias} » ?",
)


def glossary_cases() -> list:
    cases = []
    for term in CATALOGUE.glossary:
        for i, alias in enumerate((term.label, *term.aliases)):
            question = DEFINITION_QUESTIONS[i % len(DEFINITION_QUESTIONS)].format(alias=alias)
            case = Case(question, words=(term.definition,), absent=("Désolé, je n'ai pas compris",))
            cases.append(pytest.param(case, id=f"{term.id}-{slug(alias)}"))
    return cases


@pytest.mark.parametrize("case", unique_ids(glossary_cases()))
def test_glossary_definition(rasa_server, case):
    run(rasa_server, case)


# --- Projects ------------------------------------------------------------------------------------


def project_cases() -> list:
    cases = []
    for project in CATALOGUE.projects:
        templates = (
            "Parle-moi {de}",
            "Présentez-moi le {kind} « {alias} », s'il vous plaît.",
            "J'aimerais en savoir plus sur « {alias} ».",
        )
        for i, alias in enumerate((project.name, *project.aliases)):
            question = templates[i % len(templates)].format(de=de(alias), kind=project.kind, alias=alias)
            case = Case(question, words=(first_sentence(project.summary),), absent=("Désolé, je n'ai pas compris",))
            cases.append(pytest.param(case, id=f"{project.id}-{slug(alias)}"))
    return cases


@pytest.mark.parametrize("case", unique_ids(project_cases()))
def test_project_summary(rasa_server, case):
    run(rasa_server, case)


# --- Figures -------------------------------------------------------------------------------------

FIGURE_QUESTIONS = (
    "Combien {de} ?",
    "« {keyword} » : il y en a combien ?",
    "Il y a combien {de} d'après le dossier de presse ?",
)


def figure_cases() -> list:
    cases = []
    for figure in CATALOGUE.figures:
        for i, keyword in enumerate(figure.keywords):
            question = FIGURE_QUESTIONS[i % len(FIGURE_QUESTIONS)].format(de=de(keyword), keyword=keyword)
            cases.append(pytest.param(Case(question, exact=(figure.quote,)), id=f"{figure.id}-{slug(keyword)}"))
    return cases


@pytest.mark.parametrize("case", unique_ids(figure_cases()))
def test_figure_sentence(rasa_server, case):
    run(rasa_server, case)


# --- Interview -----------------------------------------------------------------------------------


def interview_cases() -> list:
    interview = CATALOGUE.interview
    if interview is None:
        return []
    person = CATALOGUE.person(interview.person)
    return [
        pytest.param(
            Case(
                f"Dans l'entretien {de(person.name)}, {lower_first(q.question)}",
                words=(first_sentence(q.answer),),
                absent=("Désolé, je n'ai pas compris",),
            ),
            id=q.id,
        )
        for q in interview.questions
    ]


@pytest.mark.parametrize("case", interview_cases())
def test_interview_answer(rasa_server, case):
    run(rasa_server, case)


# --- A person, not the bot -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        pytest.param("je voudrais parler à quelqu'un", id="parler-a-quelqu-un"),
        pytest.param("Bonjour, est-ce que je peux avoir un vrai conseiller s'il vous plaît ?", id="conseiller"),
        pytest.param("un humain svp", id="humain-svp"),
    ],
)
def test_human_request_gets_the_contact(rasa_server, question):
    run(rasa_server, Case(question, exact=(CATALOGUE.contact.name,), absent=("Désolé, je n'ai pas compris",)))
