"""Answers beyond the calendar: definitions, numbers, the interview, yes/no checks, a human.

Pure functions over the catalogue, like bot.domain.answers: every fact is the press kit's, quoted
where the press kit's own words are the answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Optional

from bot.domain.answers import (
    Answer,
    Button,
    Quote,
    Reply,
    answer_about_events,
    answer_day,
    answer_organiser_programme,
    answer_person,
    answer_project,
    answer_topic,
    choose_event_payload,
    contact_line,
    criteria_naming,
    criteria_phrase,
    listing,
    month_is_over,
    nothing_matches,
    one_event,
    programme_days,
)
from bot.domain.catalogue.model import Catalogue, Event, GlossaryEntry
from bot.domain.dates import format_day
from bot.domain.facets import asks_about_format, matches_any
from bot.domain.linking import TERM
from bot.domain.queries import Criteria, events_of_organiser, matching_events
from bot.domain.text import join_french


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def related_events(cat: Catalogue, term: GlossaryEntry) -> list[Event]:
    """Events that speak of a term: the one it names, those of its topic or organiser, and any listed."""
    ids: list[str] = []
    if term.refers_to:
        kind, ident = term.refers_to
        if kind == "event":
            ids.append(ident)
        elif kind == "topic":
            ids += [e.id for e in cat.events_sorted() if ident in e.topics]
        elif kind == "organiser":
            ids += [e.id for e in events_of_organiser(cat, ident)]
    ids += list(term.events)
    return [cat.event(i) for i in dict.fromkeys(ids)]


def _definition(cat: Catalogue, term: GlossaryEntry, today: dt.date) -> tuple[Reply, list[str]]:
    quoted = term.definition.rstrip(".")
    lines = [f"{_capitalised(term.label)}, d'après le dossier de presse : « {quoted} »."]
    events = related_events(cat, term)
    past = bool(events) and all(e.date < today for e in events)
    if len(events) == 1:
        event = events[0]
        lines.append(
            f"Il en {'a été' if past else 'est'} question lors de « {event.title} » ({format_day(event.date)})."
        )
    elif events:
        lines.append(f"Il en {'a été' if past else 'est'} question lors de ces événements :")
        lines += [f"- {e.title} ({format_day(e.date)})" for e in events]
    projects = [cat.project(p) for p in term.projects]
    if projects:
        lines.append("Le dossier de presse le cite à propos de : " + join_french([p.name for p in projects]) + ".")
    buttons: list[Button] = [Button(e.title, choose_event_payload(e.id)) for e in events]
    if term.refers_to and term.refers_to[0] == "project":
        project = cat.project(term.refers_to[1])
        buttons.append(Button(f"En savoir plus : {project.name}", '/ask_project{"project":"%s"}' % project.id))
    buttons += [Button(p.name, '/ask_project{"project":"%s"}' % p.id) for p in projects]
    return Reply("\n".join(lines), tuple(buttons)), [e.id for e in events]


def _projects_of(term: GlossaryEntry) -> list[str]:
    """The projects a term is about or cited with: "quel projet en a été lauréat ?" after "le FTAP"."""
    own = [term.refers_to[1]] if term.refers_to and term.refers_to[0] == "project" else []
    return own + [p for p in term.projects if p not in own]


def glossary_menu(cat: Catalogue) -> Answer:
    """No term named: offer the ones the press kit defines."""
    if not cat.glossary:
        return Answer([Reply(f"Le programme ne définit aucun terme. {contact_line(cat)}")])
    buttons = tuple(Button(t.label, '/ask_definition{"term":"%s"}' % t.id) for t in cat.glossary)
    return Answer([Reply("Quel terme voulez-vous que je vous explique ? Le dossier de presse définit :", buttons)])


def answer_definition(cat: Catalogue, criteria: Criteria, *, today: dt.date) -> Optional[Answer]:
    """What a term means, in the press kit's words, and the events that speak of it.

    A name the glossary lacks but the catalogue knows (an event, a project, a person, an
    organiser, a topic) is answered with what the catalogue says of it, saying that the press
    kit gives no definition when there is none to give. None when the message names nothing known.
    """
    m = criteria.mentions
    if m.of(TERM):
        replies, focus, projects = [], [], []
        for term_id in m.of(TERM):
            term = cat.term(term_id)
            reply, events = _definition(cat, term, today)
            replies.append(reply)
            focus += events
            projects += _projects_of(term)
            if term.refers_to and term.refers_to[0] == "organiser":
                # "la DITP": what it does in the month, as the organiser answer says it.
                role = answer_organiser_programme(cat, criteria_naming(organiser=[term.refers_to[1]]), today=today)
                replies += role.replies
                focus += role.focus
        return Answer(replies, focus, projects)
    if m.of("project"):
        return answer_project(cat, m)
    if m.of("person"):
        return answer_person(cat, m)
    if m.of("event"):
        return answer_about_events(cat, "details", criteria_naming(event=m.of("event")), [], today=today)
    if m.of("topic"):
        labels = join_french([cat.topic(t).label for t in m.of("topic")])
        topic = answer_topic(cat, criteria_naming(topic=m.of("topic")), today=today)
        note = Reply(f"Le dossier de presse ne donne pas de définition de {labels}.")
        return Answer([note, *topic.replies], topic.focus)
    if m.of("organiser"):
        names = join_french([cat.organiser(o).name for o in m.of("organiser")])
        about = answer_organiser_programme(cat, criteria_naming(organiser=m.of("organiser")), today=today)
        note = Reply(f"Le dossier de presse ne développe pas « {names} ». Voici ce qu'il en dit :")
        return Answer([note, *about.replies], about.focus)
    return None


def answer_named(cat: Catalogue, criteria: Criteria, *, today: dt.date) -> Optional[Answer]:
    """For a message whose intent is unclear: what the catalogue says of the project, event, person or
    term it names ("des informations sur le serious game, s'il vous plaît"). A project or an event
    comes before its glossary entry, whose definition may be no more than its name spelt out
    ("Parle-moi de CAP 2030"). A date alone gets that day's programme ("d'autres événements le 19 ?").
    None when it names none of them: a topic or an organiser alone ("la préfecture") says too little
    of what is asked."""
    m = criteria.mentions
    if (criteria.span or criteria.weekday is not None) and not any(m.ids.values()):
        return answer_day(cat, criteria, today=today)
    if m.of("project"):
        return answer_project(cat, m)
    if m.of("event"):
        return answer_about_events(cat, "details", criteria_naming(event=m.of("event")), [], today=today)
    if m.of("person") or m.of(TERM):
        return answer_definition(cat, criteria, today=today)
    return None


def answer_count(cat: Catalogue, criteria: Criteria, text: str, *, today: dt.date) -> Answer:
    """How many: a number the press kit gives in a sentence, else the events that match, counted."""
    projects = set(criteria.mentions.of("project"))
    scored = [
        (matches_any(text, f.keywords) + (100 if f.project in projects else 0), f)
        for f in cat.figures
        if f.project in projects or matches_any(text, f.keywords)
    ]
    if scored and not criteria.mentions.of("event") and not criteria.span:
        figure = max(scored, key=lambda sf: sf[0])[1]
        return Answer([Reply(f"D'après le dossier de presse : « {figure.quote} »")])
    events = matching_events(cat, criteria) if criteria.has_event_constraint else list(cat.events_sorted())
    if not events:
        return Answer([Reply(nothing_matches(cat, criteria, today))])
    count = f"{len(events)} événement{'s' if len(events) > 1 else ''}"
    if criteria.has_event_constraint:
        heading = f"{count} {criteria_phrase(cat, criteria, plural=len(events) > 1)}"
    else:
        verb = "comptait" if month_is_over(cat, today) else "compte"
        heading = f"Le programme du {cat.month.name} en {cat.month.region} {verb} {count}, les {programme_days(cat)}"
    return listing(cat, heading, events, by_day=not (criteria.span and criteria.span.is_single_day))


def answer_interview(cat: Catalogue, text: str, chosen: Optional[str] = None) -> Answer:
    """One of the interview's answers, word for word, chosen by its id or by the words asked; else the menu."""
    interview = cat.interview
    if interview is None:
        return Answer([Reply(f"Le dossier de presse ne contient pas d'entretien. {contact_line(cat)}")])
    person = cat.person(interview.person)
    by_id = {q.id: q for q in interview.questions}
    question = by_id.get(chosen or "")
    if question is None:
        scored = [(matches_any(text, q.keywords), q) for q in interview.questions]
        best = max(scored, key=lambda sq: sq[0])
        question = best[1] if best[0] else None
    if question is None:
        lines = [f"Le dossier de presse publie « {interview.title} ». Les questions :"]
        lines += [f"- {q.question}" for q in interview.questions]
        buttons = tuple(Button(q.question, '/ask_interview{"interview":"%s"}' % q.id) for q in interview.questions)
        return Answer([Reply("\n".join(lines), buttons)])
    text = (
        f"À la question « {question.question} », {person.name}, {person.role}, répond dans le dossier de presse :\n"
        f"« {question.answer} »"
    )
    return Answer([Reply(text, quote=Quote(question.answer, interview.title))])


def answer_human(cat: Catalogue) -> Answer:
    text = (
        "Je suis un assistant automatique : je ne peux pas vous mettre en relation avec une personne. "
        f"Vous pouvez vous adresser à : {cat.contact.name}."
    )
    if cat.contact.note:
        text += f" {cat.contact.note}"
    return Answer([Reply(text)])


def _claims(
    cat: Catalogue, criteria: Criteria, event: Event, text: str, today: dt.date, topic_is_claim: bool
) -> list[str]:
    """One line per fact the message checks: "Oui : …" or "Non : …", followed by the fact."""
    m = criteria.mentions
    lines = []

    def verdict(ok: bool, fact: str) -> None:
        lines.append(f"{'Oui' if ok else 'Non'} : {fact}")

    if criteria.span:
        verdict(criteria.span.contains(event.date), one_event(cat, "date", event, today))
    elif criteria.weekday is not None:
        verdict(event.date.weekday() == criteria.weekday, one_event(cat, "date", event, today))
    if m.of("organiser"):
        ok = all(o in event.organisers or o in event.speakers for o in m.of("organiser"))
        verdict(ok, one_event(cat, "organiser", event, today))
    people = m.of("person")
    if people:
        verdict(all(p in event.people for p in people), one_event(cat, "organiser", event, today))
    topics = m.of("topic") if topic_is_claim else []
    if topics:
        about = join_french([cat.topic(t).label for t in event.topics]) or "aucun thème"
        verdict(all(t in event.topics for t in topics), f"« {event.title} » porte sur {about}.")
    if asks_about_format(text):
        lines.append(one_event(cat, "format", event, today))
    return lines


def answer_check(cat: Catalogue, criteria: Criteria, text: str, context: Sequence[str], *, today: dt.date) -> Answer:
    """A yes/no check of a fact about an event named or in context ("c'est bien le 19 ?")."""
    m = criteria.mentions
    in_context = [cat.event(i) for i in context if cat.has_event(i)]
    topic_is_claim = bool(m.of("event") or in_context)
    if m.of("event"):
        events = [cat.event(i) for i in m.of("event")]
    elif in_context:
        events = in_context
    elif m.of("topic"):
        events = matching_events(cat, criteria_naming(topic=m.of("topic")))
    else:
        events = []
    if not events:
        buttons = tuple(Button(e.title, choose_event_payload(e.id)) for e in cat.events_sorted())
        return Answer([Reply("De quel événement parlez-vous ? Choisissez-en un :", buttons)])
    replies = []
    for event in events:
        lines = _claims(cat, criteria, event, text, today, topic_is_claim)
        if not lines:
            # Nothing recognisable to check: the main facts, so that the person can check them.
            lines = [one_event(cat, "date", event, today), one_event(cat, "organiser", event, today)]
        replies.append(Reply("\n".join(lines)))
    if len(replies) > 1:
        return Answer([Reply("\n".join(r.text for r in replies))], [e.id for e in events])
    return Answer(replies, [e.id for e in events])


__all__ = [
    "answer_check",
    "answer_count",
    "answer_definition",
    "answer_human",
    "answer_interview",
    "glossary_menu",
    "related_events",
]
