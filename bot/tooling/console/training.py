"""Train, test, publish, roll back: the staff pipeline (bot/tooling/staff/retrain.py) from the browser.

GET  /entrainement            the model in service, the model history, « Entraîner et tester »
POST /entrainement/lancer     start a training (one at a time; otherwise who trains, since when)
GET  /entrainement/suivi      its live progress (GET /entrainement/flux: server-sent events)
GET  /entrainement/resultat   the candidate's test figures against the model in service
GET/POST /entrainement/publier  confirm, then load the candidate into the running Rasa (publieur only)
GET/POST /entrainement/revenir  confirm, then the previous model back in service (publieur only)
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.tooling.console.context import AUDIT, PROJECT, audited, current_user
from bot.tooling.console.rendering import notify, redirect, render
from bot.tooling.console.security import requires_publisher
from bot.tooling.console.training_job import (
    DONE,
    FAILED,
    Trainer,
    TrainingBusy,
    TrainingJob,
    changes_against_service,
    model_history,
    model_in_service,
    publish_candidate,
    read_candidate,
    roll_back,
    service_nlu_figures,
)
from bot.tooling.staff.history import ModelHistory
from bot.tooling.staff.project import StaffError
from bot.tooling.staff.publish import RasaApi

routes = web.RouteTableDef()

STREAM_PERIOD = 1.0  # seconds between two progress events: the elapsed time moves on every second
_trainers: dict[Path, Trainer] = {}  # one per project served by this process


def trainer_of(request: web.Request) -> Trainer:
    project = request.app[PROJECT]
    return _trainers.setdefault(project.root, Trainer(project))


async def in_thread(function: Any, *args: Any) -> Any:
    """Blocking work (reading a model archive, PUT /model) off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(None, function, *args)


async def busy_page(request: web.Request, job: TrainingJob) -> web.Response:
    return await render(request, "entrainement_occupe.html", status=409, message=job.busy_message())


def history_entries(request: web.Request) -> list[Any]:
    """Publications and roll-backs from the audit log, newest first."""
    audit = request.app[AUDIT]
    entries = audit.latest(limit=20, action="publication") + audit.latest(limit=20, action="retour arrière")
    return sorted(entries, key=lambda e: e.at, reverse=True)[:20]


@routes.get("/entrainement")
async def training_home(request: web.Request) -> web.Response:
    project = request.app[PROJECT]
    trainer = trainer_of(request)
    history = await in_thread(model_history, project)
    service = await in_thread(model_in_service, project)
    return await render(
        request,
        "entrainement.html",
        service=service,
        history=history,
        running=trainer.running(),
        last_job=trainer.job,
        candidate=read_candidate(project),
        previous=ModelHistory(project).state().previous,
        events=history_entries(request),
    )


@routes.post("/entrainement/lancer")
async def start_training(request: web.Request) -> web.StreamResponse:
    user = current_user(request).name
    audit = request.app[AUDIT]

    def recorded(job: TrainingJob) -> None:
        outcome = "terminé, modèle candidat prêt à publier" if job.state == DONE else f"échec : {job.error[:300]}"
        audit.record(job.user, "entraînement", f"{outcome} ({job.snapshot()['elapsed_text']})")

    try:
        trainer_of(request).start(user, recorded)
    except TrainingBusy as busy:
        return await busy_page(request, busy.job)
    audited(request, "entraînement", "lancé depuis la console")
    return redirect("/entrainement/suivi")


@routes.get("/entrainement/suivi")
async def training_progress(request: web.Request) -> web.Response:
    job = trainer_of(request).job
    return await render(request, "entrainement_suivi.html", job=job.snapshot() if job else None)


@routes.get("/entrainement/flux")
async def progress_stream(request: web.Request) -> web.StreamResponse:
    """Server-sent events: one « progression » event per second while the training runs, then « fin »."""
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream; charset=utf-8",
            "Cache-Control": "no-store",
            "X-Accel-Buffering": "no",
        }
    )
    await response.prepare(request)
    trainer = trainer_of(request)
    while True:
        job = trainer.job
        snapshot = job.snapshot() if job else {"state": "aucun"}
        await response.write(f"event: progression\ndata: {json.dumps(snapshot, ensure_ascii=False)}\n\n".encode())
        if job is None or not job.running:
            await response.write(b"event: fin\ndata: {}\n\n")
            break
        await asyncio.sleep(STREAM_PERIOD)
    return response


async def result_context(request: web.Request) -> dict[str, Any]:
    project = request.app[PROJECT]
    candidate = read_candidate(project)
    service = await in_thread(model_in_service, project)
    return {
        "candidate": candidate,
        "service": service,
        "service_figures": await in_thread(service_nlu_figures, project, service) if candidate else {},
        "changes": changes_against_service(project, candidate) if candidate else [],
        "previous": ModelHistory(project).state().previous,
        "last_job": trainer_of(request).job,
        "failed": FAILED,
    }


@routes.get("/entrainement/resultat")
async def training_result(request: web.Request) -> web.Response:
    return await render(request, "entrainement_resultat.html", **await result_context(request))


@routes.get("/entrainement/publier")
async def confirm_publish(request: web.Request) -> web.Response:
    return await render(request, "entrainement_confirmer.html", action="publier", **await result_context(request))


@routes.get("/entrainement/revenir")
async def confirm_rollback(request: web.Request) -> web.Response:
    return await render(request, "entrainement_confirmer.html", action="revenir", **await result_context(request))


@routes.post("/entrainement/publier")
@requires_publisher
async def publish_model(request: web.Request) -> web.StreamResponse:
    busy = trainer_of(request).running()
    if busy is not None:
        return await busy_page(request, busy)
    project, user = request.app[PROJECT], current_user(request).name
    try:
        model_id, loaded, _ = await in_thread(publish_candidate, project, RasaApi.from_settings(), user)
    except StaffError as exc:
        await notify(request, f"Publication impossible : {exc} Le bot en service n'a pas été modifié.", "error")
        return redirect("/entrainement/resultat")
    audited(request, "publication", f"modèle {model_id}" + ("" if loaded else " (chargé au prochain démarrage)"))
    where = (
        "chargé dans le serveur Rasa : le bot répond déjà avec lui" if loaded else "sera chargé au prochain démarrage"
    )
    await notify(request, f"Modèle {model_id} publié et {where}.")
    return redirect("/entrainement")


@routes.post("/entrainement/revenir")
@requires_publisher
async def roll_back_model(request: web.Request) -> web.StreamResponse:
    busy = trainer_of(request).running()
    if busy is not None:
        return await busy_page(request, busy)
    try:
        restored, _ = await in_thread(roll_back, request.app[PROJECT], RasaApi.from_settings())
    except StaffError as exc:
        await notify(request, f"Retour arrière impossible : {exc}", "error")
        return redirect("/entrainement")
    audited(request, "retour arrière", f"modèle {restored} remis en service")
    await notify(request, f"Modèle {restored} remis en service. Le modèle retiré reste dans l'historique.")
    return redirect("/entrainement")
