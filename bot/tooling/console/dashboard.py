"""The console's home page: the dashboard of the real conversations, in charts (the State design system's
@gouvfr/dsfr-chart web components), each with its data table, and the same figures as a CSV file.

GET /?periode=7|30|tout            the page (30 days by default)
GET /tableau-de-bord.csv?periode=  the CSV export of the same period (layout: dashboard_figures.py)
"""

from __future__ import annotations

import asyncio
from typing import Any, Optional

from aiohttp import web

from bot.tooling.console.context import PROJECT, SETTINGS
from bot.tooling.console.conversations import CHANNEL_LABELS, Conversation, local_time, read_conversations
from bot.tooling.console.dashboard_figures import (
    CHANNELS,
    DEFAULT_PERIOD,
    PERIODS,
    Figures,
    Period,
    csv_document,
    figures,
    french_number,
    paris_today,
    period_named,
)
from bot.tooling.console.database import database_url
from bot.tooling.console.inbox import conversation_path
from bot.tooling.console.rendering import render

routes = web.RouteTableDef()

CHART_SCRIPT = "/static/dsfr-chart/DSFRChart/DSFRChart.js"
CHART_STYLES = "/static/dsfr-chart/DSFRChart/DSFRChart.css"
PERIOD_ERROR = "Période inconnue : choisissez 7 derniers jours, 30 derniers jours ou depuis le début."


async def _conversations(request: web.Request) -> list[Conversation]:
    source = database_url(request.app[PROJECT].tracker_db)
    # SQL reading blocks: off the event loop.
    return await asyncio.get_running_loop().run_in_executor(None, read_conversations, source)


def _chosen_period(request: web.Request) -> tuple[Period, Optional[str]]:
    """The period asked for, or the default one with the French error to show beside the field."""
    value = request.query.get("periode", DEFAULT_PERIOD.value)
    chosen = period_named(value)
    return (chosen, None) if chosen else (DEFAULT_PERIOD, PERIOD_ERROR)


def charts(found: Figures) -> dict[str, dict[str, Any]]:
    """The attributes of each chart component (JSON lists, as @gouvfr/dsfr-chart reads them)."""
    days = [count.day.strftime("%d/%m") for count in found.per_day]
    return {
        "per_day": {
            "x": [days],
            "y": [[count.per_channel[channel] for count in found.per_day] for channel in CHANNELS],
            "name": [CHANNEL_LABELS[channel] for channel in CHANNELS],
        },
        "fallback": {
            "x": [[rate.day.strftime("%d/%m") for rate in found.fallback_per_day]],
            "y": [[rate.rate for rate in found.fallback_per_day]],
            "name": ["Taux de repli"],
        },
        "intents": {
            "x": [[intent for intent, _ in found.top_intents]],
            "y": [[count for _, count in found.top_intents]],
            "name": ["Messages"],
        },
        "answer_times": {
            "x": [[f"p{p.rank}" for p in found.answer_times]],
            "y": [[p.seconds for p in found.answer_times]],
            "name": ["Temps de réponse"],
        },
    }


@routes.get("/")
async def dashboard(request: web.Request) -> web.Response:
    period, period_error = _chosen_period(request)
    conversations = await _conversations(request)
    today = paris_today()
    found = figures(conversations, period, today)
    return await render(
        request,
        "tableau.html",
        status=400 if period_error else 200,
        figures=found,
        periods=PERIODS,
        period_error=period_error,
        any_conversation=bool(conversations),
        charts=charts(found),
        charts_available=request.app[SETTINGS].dsfr_chart_dist.is_dir(),
        chart_script=CHART_SCRIPT,
        chart_styles=CHART_STYLES,
        channels=CHANNELS,
        channel_names=[CHANNEL_LABELS[channel] for channel in CHANNELS],
        conversation_link=conversation_path,
        local_time=local_time,
        number=french_number,
    )


@routes.get("/tableau-de-bord.csv")
async def dashboard_csv(request: web.Request) -> web.Response:
    period, period_error = _chosen_period(request)
    if period_error:
        raise web.HTTPBadRequest(text=PERIOD_ERROR)
    today = paris_today()
    found = figures(await _conversations(request), period, today)
    filename = f"tableau-de-bord-{period.value}-{today.isoformat()}.csv"
    return web.Response(
        body=csv_document(found, today).encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
