"""« Ajouter à mon agenda »: the programme and each event as iCalendar files (bot/domain/calendar.py).

GET /programme.ics                 every event of the month
GET /evenements/<identifiant>.ics  one event; an unknown one is a 404 in French

Built from the same live catalogue as the page: an edited catalogue is served at once.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from aiohttp import web

from bot.domain.calendar import event_calendar, programme_calendar
from bot.domain.catalogue import Catalogue
from bot.domain.catalogue.live import LiveCatalogue

CATALOGUE = web.AppKey("catalogue", LiveCatalogue[Catalogue])
routes = web.RouteTableDef()


def catalogue_source(path: Path) -> LiveCatalogue[Catalogue]:
    return LiveCatalogue(path, lambda cat: cat, "les agendas")


def ics_response(body: bytes, filename: str) -> web.Response:
    return web.Response(
        body=body,
        content_type="text/calendar",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-cache"},
    )


@routes.get("/programme.ics")
async def programme(request: web.Request) -> web.Response:
    cat = request.app[CATALOGUE].get()
    return ics_response(programme_calendar(cat, dt.datetime.now(dt.timezone.utc)), "mois-innovation-publique.ics")


@routes.get("/evenements/{event_id}.ics")
async def one_event(request: web.Request) -> web.Response:
    event_id = request.match_info["event_id"]
    try:
        body = event_calendar(request.app[CATALOGUE].get(), event_id, dt.datetime.now(dt.timezone.utc))
    except KeyError:
        raise web.HTTPNotFound(
            text="Événement inconnu : aucun événement du programme ne porte cet identifiant."
        ) from None
    return ics_response(body, f"{event_id}.ics")
