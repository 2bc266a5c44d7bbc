"""French answers composed from the catalogue. Pure functions: no Rasa, no I/O.

Every fact in a reply comes from the catalogue; when the press kit is silent the reply says so
and gives the contact, never a guess.

Time: the functions that speak of when things happen take `today`, the reference day (the actions
pass MOIS_REFERENCE_DATE, else today in Paris). What is before it is said in the past ("a eu lieu le
jeudi 19 novembre 2020"), the rest in the present ("a lieu le jeudi 26 novembre 2020"); once the
calendar month is over, a question about registering or attending says so first. The catalogue's
quotations keep the press kit's tense: for a past event they are introduced as the kit's words.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Optional

from bot.domain.catalogue.model import Catalogue, Event
from bot.domain.dates import WEEKDAY_NAMES, format_day
from bot.domain.linking import Mentions
from bot.domain.practical import detail_lines, has_practical, missing_sentences, time_phrase
from bot.domain.practical import given as practical_given
from bot.domain.queries import Criteria, events_of_organiser, matching_events
from bot.domain.text import join_french

# Questions about one event; the value is kept in the conversation so that an elliptical
# follow-up ("et les communs ?") asks the same thing about another event.
EVENT_QUESTIONS = ("date", "organiser", "details", "format", "practical")


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Quote:
    """Words taken as they are from the press kit, with the title of the section they come from."""

    text: str
    section: str


@dataclass(frozen=True)
class CalendarLink:
    """« Ajouter à mon agenda » for one event: the channels link it to its iCalendar file (bot/web/calendars.py)."""

    event: str
    title: str


@dataclass(frozen=True)
class Reply:
    text: str  # the whole reply, quote included, for channels that show only text
    buttons: tuple[Button, ...] = ()
    quote: Optional[Quote] = None  # channels that can show a quotation render this one as such
    calendar: Optional[CalendarLink] = None  # channels that can link offer to add the event to a calendar


@dataclass
class Answer:
    replies: list[Reply]
    # Events the conversation is now about: one after a precise answer, several after a list.
    focus: list[str] = field(default_factory=list)
    # Projects it is now about ("et ce projet, il a été lauréat de quoi ?").
    focus_projects: list[str] = field(default_factory=list)


def choose_event_payload(event_id: str) -> str:
    return '/inform{"event":"%s"}' % event_id


def contact_line(cat: Catalogue) -> str:
    return f"Pour en savoir plus, contactez : {cat.contact.name}."


def organisers_text(cat: Catalogue, ids: Sequence[str]) -> str:
    return join_french([cat.organiser(i).in_sentence for i in ids])


def by_whom(cat: Catalogue, event: Event) -> str:
    """Who proposes the event, as the press kit says it: "le SGAR Pays de la Loire et Marion
    Guerchet, UX researcher et consultante pour Make It Brain". A speaker that is the organisation
    of a person named is said through that person; another one follows: ", avec La 27e Région"."""
    people = [cat.person(p) for p in event.people]
    text = join_french(
        [cat.organiser(i).in_sentence for i in event.organisers] + [f"{p.name}, {p.role}" for p in people]
    )
    others = [s for s in event.speakers if s not in {p.organisation for p in people}]
    return f"{text}, avec {organisers_text(cat, others)}" if others else text


def month_is_over(cat: Catalogue, today: dt.date) -> bool:
    """True once the calendar month of the programme is behind the reference day."""
    last_day = calendar.monthrange(cat.month.year, cat.month.month)[1]
    return today > dt.date(cat.month.year, cat.month.month, last_day)


def _month_over_sentence(cat: Catalogue) -> str:
    return f"Le {cat.month.name} en {cat.month.region} est terminé"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _month_format(cat: Catalogue) -> Optional[str]:
    """The press kit's note on the format of the whole month, as a phrase: "de nombreux événements…";
    None when the catalogue has none."""
    return _lower_first(cat.month.format).rstrip(".") if cat.month.format else None


def neither(items: Sequence[str]) -> str:
    """What a sentence does not give, after « ne précise »: "pas son thème", "ni son thème, ni son objectif"."""
    return f"pas {items[0]}" if len(items) == 1 else "ni " + ", ni ".join(items)


def event_line(cat: Catalogue, event: Event) -> str:
    return f"- {event.title} : {format_day(event.date)}, par {organisers_text(cat, event.organisers)}"


def _event_buttons(events: Sequence[Event]) -> tuple[Button, ...]:
    return tuple(
        Button(f"{e.title} ({format_day(e.date, with_year=False)})", choose_event_payload(e.id)) for e in events
    )


def one_event(cat: Catalogue, question: str, event: Event, today: dt.date) -> str:
    when = format_day(event.date)
    past = event.date < today
    if question == "date":
        if past:
            return f"{event.title} a eu lieu le {when}."
        if event.date == today:
            return f"{event.title} a lieu aujourd'hui, {when}."
        return f"{event.title} a lieu le {when}."
    if question == "organiser":
        return f"{event.title} {'a été' if past else 'est'} organisé par {by_whom(cat, event)}."
    if question == "format":
        if event.format:
            return f"{event.title} : {event.format}"
        if not cat.month.format:
            return f"Le programme ne précise pas le format de « {event.title} ». {contact_line(cat)}"
        return (
            f"Le dossier de presse ne précise pas le format de « {event.title} ». "
            f"Il indique seulement, pour l'ensemble du mois : « {_month_format(cat)} ». "
            f"{contact_line(cat)}"
        )
    if question == "practical":
        if has_practical(event):
            return _practical_known(cat, event, today)
        not_given = "Le dossier de presse ne donne ni l'horaire, ni le lieu, ni le lien d'inscription ou de connexion"
        if past and month_is_over(cat, today):
            return (
                f"{_month_over_sentence(cat)} : « {event.title} » a eu lieu le {when}. "
                f"{not_given} de cet événement. {contact_line(cat)}"
            )
        if past:
            return f"« {event.title} » a déjà eu lieu, le {when}. {not_given} de cet événement. {contact_line(cat)}"
        return f"{not_given} de « {event.title} » ({when}). Je ne peux donc pas vous les indiquer. {contact_line(cat)}"
    # details
    topics = join_french([cat.topic(t).label for t in event.topics])
    lines = [f"{event.title}", f"Date : {when}{' (événement passé)' if past else ''}"]
    lines.append(f"Organisation : {by_whom(cat, event)}")
    if topics:
        lines.append(f"Thèmes : {topics}")
    lines += detail_lines(event)
    if past:
        lines.append("Le dossier de presse le présentait ainsi :")
    lines.append(event.description)
    return "\n".join(lines)


def _when_it_happens(cat: Catalogue, event: Event, today: dt.date) -> str:
    """The opening of a practical answer: the day and time, in the tense of the reference day."""
    when = format_day(event.date)
    time = time_phrase(event)
    at = f", {time}" if time else ""
    if event.date < today and month_is_over(cat, today):
        return f"{_month_over_sentence(cat)} : « {event.title} » a eu lieu le {when}{at}."
    if event.date < today:
        return f"« {event.title} » a déjà eu lieu, le {when}{at}."
    if event.date == today:
        return f"« {event.title} » a lieu aujourd'hui, {when}{at}."
    return f"« {event.title} » a lieu le {when}{at}."


def _practical_known(cat: Catalogue, event: Event, today: dt.date) -> str:
    """What the catalogue gives of the time, place, links, access and price; each one missing is said so."""
    lines = [_when_it_happens(cat, event, today)]
    lines += [f"{detail.label} : {value}" for detail, value in practical_given(event)]
    missing = missing_sentences(event)
    if missing:
        lines.append(f"{' '.join(missing)} {contact_line(cat)}")
    return "\n".join(lines)


def _month_over_for_practical(cat: Catalogue, focus: Sequence[str]) -> Answer:
    """Registering or attending once the month is over, no single event named: say it is over."""
    if any(has_practical(e) for e in cat.events):
        known = (
            "Nommez un événement pour savoir ce que le programme indique de son horaire, de son lieu ou de son lien."
        )
    else:
        known = (
            "Le dossier de presse ne donne ni l'horaire, ni le lieu, ni le lien d'inscription ou de connexion de "
            "ces événements."
        )
    return Answer(
        [
            Reply(
                f"{_month_over_sentence(cat)} : ses {len(cat.events)} événements ont eu lieu les "
                f"{programme_days(cat)}. {known} {contact_line(cat)}"
            )
        ],
        list(focus),
    )


def answer_general_format(cat: Catalogue) -> Answer:
    """The format of the month's events, when no event is named: what the press kit says of all."""
    if not cat.month.format:
        return Answer([Reply(f"Le programme ne précise pas le format des événements. {contact_line(cat)}")])
    return Answer(
        [
            Reply(
                "Le dossier de presse ne précise pas le format de chaque événement. Il indique, pour l'ensemble "
                f"du mois : « {_month_format(cat)} ». {contact_line(cat)}"
            )
        ]
    )


def _one_event_answers(cat: Catalogue, questions: Sequence[str], event: Event, today: dt.date) -> str:
    """Every question asked about one event; the presentation already gives its date and organisers."""
    if "details" in questions:
        questions = [q for q in questions if q not in ("date", "organiser")]
    return "\n".join(one_event(cat, q, event, today) for q in dict.fromkeys(questions))


def answer_about_events(
    cat: Catalogue,
    question: str,
    criteria: Criteria,
    context: Sequence[str],
    *,
    today: dt.date,
    also: Sequence[str] = (),
) -> Answer:
    """Answer a question about an event named in the message, else about the one in context.

    A mention that links to nothing is not replaced by the context: the close events are offered.
    Registering or attending once the month is over: unless one event is named, the answer is that
    the month is over, with the contact. `also`: the other questions of a compound message ("c'est
    quand et qui organise ?"), answered too when one event is meant.
    """
    over = question == "practical" and month_is_over(cat, today)
    if question == "details" and not criteria.has_event_constraint:
        # « Parle-moi de CAP 2030 », « présente-moi Anne-Laure Guillaume »: a project or a person, not an event.
        if criteria.mentions.of("project"):
            return answer_project(cat, criteria.mentions)
        if criteria.mentions.of("person"):
            return answer_person(cat, criteria.mentions)
    if criteria.unresolved and not criteria.has_event_constraint:
        if over:
            return _month_over_for_practical(cat, [])
        offered = [cat.event(i) for i in criteria.suggested if cat.has_event(i)] or list(cat.events_sorted())
        return Answer(
            [
                Reply(
                    f"Je ne suis pas sûr de savoir de quel événement vous parlez (« {criteria.unresolved[0]} »). "
                    "Voulez-vous dire :",
                    _event_buttons(offered),
                )
            ],
            [e.id for e in offered],
        )
    in_context = [cat.event(i) for i in context if cat.has_event(i)]
    if criteria.has_event_constraint:
        events = _narrowed(cat, criteria, in_context) or matching_events(cat, criteria)
    else:
        events = in_context
    if over and len(events) != 1:
        return _month_over_for_practical(cat, [e.id for e in events])
    if not events:
        if criteria.has_event_constraint:
            return Answer([Reply(nothing_matches(cat, criteria, today))])
        if question == "format":
            return answer_general_format(cat)
        return Answer(
            [Reply("De quel événement parlez-vous ? Choisissez-en un :", _event_buttons(cat.events_sorted()))]
        )
    topics = criteria.mentions.of("topic")
    if len(events) > 1 and len(topics) > 1:
        # « la démarche design pour les services numériques »: the event on both topics is meant.
        events = [e for e in events if set(topics) <= set(e.topics)] or events
    if len(events) == 1:
        event = events[0]
        text = _one_event_answers(cat, [question, *also], event, today)
        return Answer([Reply(text, calendar=CalendarLink(event.id, event.title))], [event.id])
    listing = "\n".join(event_line(cat, e) for e in events)
    return Answer(
        [Reply(f"Plusieurs événements correspondent :\n{listing}\nLequel vous intéresse ?", _event_buttons(events))],
        [e.id for e in events],
    )


def programme_days(cat: Catalogue) -> str:
    return join_french([format_day(d, with_year=False) for d in cat.dates]) + f" {cat.month.year}"


def _when_the_events_are(cat: Catalogue, today: dt.date) -> str:
    verb = "ont eu lieu" if cat.dates[-1] < today else "ont lieu"
    return f"Les événements {verb} les {programme_days(cat)}."


def criteria_phrase(cat: Catalogue, criteria: Criteria, conjunction: str = "ou", plural: bool = False) -> str:
    """What the criteria ask, as words after "événement(s)": "sur le design proposé par le SGAR…"."""
    m = criteria.mentions
    parts = []
    if m.of("event"):
        parts.append("parmi " + join_french([f"« {cat.event(e).title} »" for e in m.of("event")], conjunction))
    if m.of("topic"):
        parts.append("sur " + join_french([cat.topic(t).label for t in m.of("topic")], conjunction))
    if m.of("organiser"):
        names = join_french([cat.organiser(o).in_sentence for o in m.of("organiser")], conjunction)
        parts.append(("proposés" if plural else "proposé") + " par " + names)
    if criteria.span or criteria.weekday is not None:
        parts.append(_span_phrase(criteria))
    return " ".join(parts)


def nothing_matches(cat: Catalogue, criteria: Criteria, today: dt.date) -> str:
    if criteria.span and not matching_events(cat, Criteria(Mentions(), span=criteria.span)):
        return f"Il n'y a aucun événement du programme {_span_phrase(criteria)}. {_when_the_events_are(cat, today)}"
    return (
        f"Je ne trouve aucun événement {criteria_phrase(cat, criteria)} dans le programme. "
        "Demandez-moi « le programme » pour voir tous les événements."
    )


def _span_phrase(criteria: Criteria) -> str:
    if criteria.span:
        return f"le {criteria.span.label()}" if criteria.span.is_single_day else criteria.span.label()
    if criteria.weekday is not None:
        return f"les {WEEKDAY_NAMES[criteria.weekday]}s"
    return ""


def answer_day(
    cat: Catalogue, criteria: Criteria, among: Optional[Sequence[Event]] = None, *, today: dt.date
) -> Answer:
    if not criteria.span and criteria.weekday is None:
        unknown = f"Je n'ai pas compris la date « {criteria.date_text} ». " if criteria.date_text else ""
        buttons = tuple(Button(format_day(d), '/ask_day_programme{"date":"%s"}' % d.isoformat()) for d in cat.dates)
        return Answer([Reply(f"{unknown}Pour quel jour ? {_when_the_events_are(cat, today)}", buttons)])
    day_only = Criteria(Mentions(), span=criteria.span, weekday=criteria.weekday)
    events = matching_events(cat, day_only, among)
    if not events:
        return Answer([Reply(nothing_matches(cat, day_only, today))])
    return listing(
        cat,
        f"Au programme {_span_phrase(criteria)}",
        events,
        by_day=not (criteria.span and criteria.span.is_single_day),
    )


def listing(cat: Catalogue, heading: str, events: Sequence[Event], by_day: bool = True) -> Answer:
    lines = [f"{heading} :"]
    if by_day:
        for day, group in groupby(events, key=lambda e: e.date):
            lines.append(f"{format_day(day).capitalize()} :")
            lines += [f"- {e.title} ({organisers_text(cat, e.organisers)})" for e in group]
    else:
        lines += [f"- {e.title} ({organisers_text(cat, e.organisers)})" for e in events]
    buttons = _event_buttons(events) if len(events) > 1 else ()
    return Answer([Reply("\n".join(lines), buttons)], [e.id for e in events])


def answer_programme(cat: Catalogue) -> Answer:
    month = cat.month
    return listing(
        cat,
        f"Programme du {month.name} en {month.region} ({month.period}), {len(cat.events)} événements",
        cat.events_sorted(),
    )


def answer_organiser_programme(cat: Catalogue, criteria: Criteria, *, today: dt.date) -> Answer:
    organisers = criteria.mentions.of("organiser")
    if not organisers:
        with_events = [o for o in cat.organisers if events_of_organiser(cat, o.id)]
        buttons = tuple(Button(o.name, '/ask_organiser_programme{"organiser":"%s"}' % o.id) for o in with_events)
        return Answer([Reply("Quel organisateur vous intéresse ?", buttons)])
    replies: list[Reply] = []
    focus: list[str] = []
    for organiser_id in organisers:
        organiser = cat.organiser(organiser_id)
        events = events_of_organiser(cat, organiser_id)
        if criteria.span or criteria.weekday is not None:
            events = matching_events(cat, Criteria(Mentions(), span=criteria.span, weekday=criteria.weekday), events)
        if organiser_id == cat.month.organiser:
            # "Organisé par la DITP, le Mois…" and "Fédéré par la DITP, les événements proposés en Pays de
            # la Loire sont animés par une variété d'acteurs territoriaux."
            verbs = ("a organisé", "fédéré") if month_is_over(cat, today) else ("organise", "fédère")
            replies.append(
                Reply(
                    f"{organiser.in_sentence[0].upper()}{organiser.in_sentence[1:]} {verbs[0]} le {cat.month.name} "
                    f"et {verbs[1]} les événements proposés en {cat.month.region}, animés par une variété "
                    "d'acteurs territoriaux. Le dossier de presse ne lui attribue pas d'événement du programme "
                    "régional."
                )
            )
        elif not events:
            replies.append(
                Reply(
                    f"Le dossier de presse ne mentionne aucun événement proposé par {organiser.in_sentence}"
                    f"{' ' + _span_phrase(criteria) if criteria.span or criteria.weekday is not None else ''}."
                    + (
                        " Il le cite parmi les acteurs locaux qui ont pensé ces temps d'échanges."
                        if organiser_id in cat.month.local_actors
                        else ""
                    )
                )
            )
        else:
            answer = listing(cat, f"Événements avec {organiser.name}", events)
            replies += answer.replies
            focus += answer.focus
    return Answer(replies, focus)


def answer_topic(cat: Catalogue, criteria: Criteria, context: Sequence[str] = (), *, today: dt.date) -> Answer:
    """Events on a topic; with none named, the events the conversation is about ("et l'événement qui en parle ?").

    An event named instead of a topic ("un atelier pour apprendre les cartes mentales, ça existe ?") is
    presented as such."""
    topics = criteria.mentions.of("topic")
    in_context = [cat.event(i) for i in context if cat.has_event(i)]
    if not topics and (criteria.mentions.of("event") or len(in_context) == 1):
        return answer_about_events(cat, "details", criteria, context, today=today)
    if not topics and in_context:
        return listing(cat, "Les événements dont nous parlions", in_context)
    if not topics:
        buttons = tuple(Button(t.label, '/ask_topic_events{"topic":"%s"}' % t.id) for t in cat.topics)
        return Answer([Reply("Quel thème vous intéresse ?", buttons)])
    events = matching_events(
        cat, Criteria(Mentions({"event": [], "topic": topics, "organiser": [], "project": [], "person": []}))
    )
    label = join_french([cat.topic(t).label for t in topics], "ou")
    if not events:
        return Answer([Reply(f"Aucun événement du programme ne porte sur {label}.")])
    return listing(cat, f"Événements sur {label}", events)


def answer_month(cat: Catalogue, *, today: dt.date) -> Answer:
    month = cat.month
    if not (month.theme and month.format and month.purpose):
        return _month_in_part(cat, today)
    organiser = cat.organiser(month.organiser).in_sentence
    accent = f"met l'accent sur {month.theme}, avec {_month_format(cat)}. {month.purpose}"
    if month_is_over(cat, today):
        text = (
            f"Le {month.name} en {month.region} a eu lieu en {month.period} : il est terminé. Il était organisé "
            f"par {organiser} et comptait {len(cat.events)} événements, les {programme_days(cat)}. "
            f"Le dossier de presse le présentait ainsi : il {accent}"
        )
    else:
        text = (
            f"Le {month.name} en {month.region} a lieu en {month.period}. Il est organisé par {organiser} et "
            f"{accent} Il compte {len(cat.events)} événements, les {programme_days(cat)}."
        )
    programme = answer_programme(cat)
    return Answer([Reply(text), *programme.replies], programme.focus)


def _month_in_part(cat: Catalogue, today: dt.date) -> Answer:
    """The month when the catalogue leaves out its theme, format or purpose: what it gives, and what it does not."""
    month = cat.month
    organiser = cat.organiser(month.organiser).in_sentence
    over = month_is_over(cat, today)
    lines = [
        f"Le {month.name} en {month.region} {'a eu lieu' if over else 'a lieu'} en {month.period}"
        f"{' : il est terminé' if over else ''}. Il {'était' if over else 'est'} organisé par {organiser} et "
        f"{'comptait' if over else 'compte'} {len(cat.events)} événements, les {programme_days(cat)}."
    ]
    if month.theme:
        lines.append(f"Il {'mettait' if over else 'met'} l'accent sur {month.theme}.")
    lines += [text for text in (month.format, month.purpose) if text]
    missing = [
        what
        for what, value in (
            ("son thème", month.theme),
            ("le format de ses événements", month.format),
            ("son objectif", month.purpose),
        )
        if not value
    ]
    lines.append(f"Le programme ne précise {neither(missing)}.")
    programme = answer_programme(cat)
    return Answer([Reply(" ".join(lines)), *programme.replies], programme.focus)


def answer_project(cat: Catalogue, mentions: Mentions, context: Sequence[str] = ()) -> Answer:
    """The projects named, else the one the conversation is about, else the list of them all.

    The events that speak of a project (its glossary entry's) become the conversation's focus."""
    named = list(mentions.of("project")) or [p for p in context if cat.has_project(p)][:1]
    if not named and not cat.projects:
        return Answer([Reply(f"Le programme ne présente aucun projet de transformation publique. {contact_line(cat)}")])
    if not named:
        lines = [f"Projets de transformation publique en {cat.month.region} cités dans le dossier de presse :"]
        lines += [f"- {p.name}" for p in cat.projects]
        buttons = tuple(Button(p.name, '/ask_project{"project":"%s"}' % p.id) for p in cat.projects)
        return Answer([Reply("\n".join(lines), buttons)])
    replies = []
    for project_id in named:
        project = cat.project(project_id)
        text = f"{project.name}\n{project.summary}"
        if project.benefits:
            text += f"\nBénéfices : {project.benefits}"
        replies.append(Reply(text))
    about_one = ("project", named[0]) if len(named) == 1 else None
    events = [e for term in cat.glossary if about_one and term.refers_to == about_one for e in term.events]
    return Answer(replies, events, named)


def answer_person(cat: Catalogue, mentions: Mentions) -> Answer:
    if not mentions.of("person") and not cat.people:
        return Answer([Reply(f"Le programme ne cite aucune personne. {contact_line(cat)}")])
    if not mentions.of("person"):
        lines = ["Personnes citées dans le dossier de presse :"]
        lines += [f"- {p.name}, {p.role}" for p in cat.people]
        return Answer([Reply("\n".join(lines))])
    replies, focus = [], []
    for person_id in mentions.of("person"):
        person = cat.person(person_id)
        text = f"{person.name} : {person.role}."
        for event in (e for e in cat.events_sorted() if person_id in e.people):
            text += f" Événement : « {event.title} », {format_day(event.date)}."
            focus.append(event.id)  # "elle intervient quand ?" is then about that event
        buttons: tuple[Button, ...] = ()
        if cat.interview and cat.interview.person == person_id:
            text += f" Le dossier de presse publie son entretien : « {cat.interview.title} »."
            buttons = (Button("Lire l'entretien", "/ask_interview"),)
        replies.append(Reply(text, buttons))
    return Answer(replies, focus)


def answer_contact(cat: Catalogue) -> Answer:
    text = f"Contact : {cat.contact.name}."
    if cat.contact.note:
        text += f" {cat.contact.note}"
    return Answer([Reply(text)])


def answer_fallback(cat: Catalogue, repeated: bool) -> Answer:
    """Honest fallback; after a second miss in a row, hand over to a human contact."""
    if repeated:
        return Answer(
            [
                Reply(
                    "Je n'arrive toujours pas à vous répondre, désolé. Une personne pourra vous aider : "
                    f"{cat.contact.name}.\nVous pouvez aussi me demander « le programme » ou « aide »."
                )
            ]
        )
    return Answer(
        [
            Reply(
                "Désolé, je n'ai pas compris ou je n'ai pas cette information. Je peux vous renseigner sur "
                f"les événements du {cat.month.name} en {cat.month.region} ({cat.month.period}) : dates, "
                f"organisateurs, thèmes, programme d'un jour{', ainsi que les projets régionaux' if cat.projects else ''}. "
                "Reformulez votre question ou demandez « aide »."
            )
        ]
    )


def answer_followup(
    cat: Catalogue, last_question: Optional[str], criteria: Criteria, focus: Sequence[str], *, today: dt.date
) -> tuple[Answer, str]:
    """An elliptical follow-up ("et les communs ?", "celui du 26", a button choice).

    It asks the previous question again about what it names; a date or an organiser alone
    narrows the events of the previous answer. Returns the answer and the question answered.
    """
    m = criteria.mentions
    if m.of("project"):
        return answer_project(cat, m), "project"
    if m.of("person"):
        return answer_person(cat, m), "person"
    names_event = bool(m.of("event") or m.of("topic"))
    if not criteria.has_event_constraint:
        return answer_fallback(cat, repeated=False), last_question or ""
    if last_question in EVENT_QUESTIONS or names_event:
        question = last_question if last_question in EVENT_QUESTIONS else "details"
        return answer_about_events(cat, question, criteria, focus, today=today), question
    if m.of("organiser"):
        return answer_organiser_programme(cat, criteria, today=today), "organiser_programme"
    return answer_day(cat, criteria, today=today), "day"


def _narrowed(cat: Catalogue, criteria: Criteria, in_context: Sequence[Event]) -> list[Event]:
    """A date or an organiser alone ("celui du 26") picks among the events of the previous answer."""
    m = criteria.mentions
    if m.of("event") or m.of("topic") or len(in_context) < 2:
        return []
    return matching_events(cat, criteria, among=in_context)


def criteria_naming(**ids: Sequence[str]) -> Criteria:
    """Criteria that name these catalogue ids, by kind: criteria_naming(event=["communs"])."""
    mentions = Mentions()
    for kind, values in ids.items():
        for value in values:
            mentions.add(kind, value)
    return Criteria(mentions)


def answer_out_of_scope(cat: Catalogue, repeated: bool) -> Answer:
    if repeated:
        return answer_fallback(cat, repeated=True)
    return Answer(
        [
            Reply(
                f"Je ne peux répondre qu'aux questions sur le {cat.month.name} en {cat.month.region} "
                f"({cat.month.period}) : ses événements, leurs dates, organisateurs et thèmes"
                f"{', et les projets régionaux présentés dans le dossier de presse' if cat.projects else ''}. "
                "Pour une démarche administrative, "
                "adressez-vous au service concerné."
            )
        ]
    )
