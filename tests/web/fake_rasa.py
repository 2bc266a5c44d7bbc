"""A stand-in for Rasa's REST channel and tracker API, for the widget's rendering tests.

`python -m tests.web.fake_rasa PORT`: every message gets the scripted reply below, which holds
what a careless widget would turn into HTML or a dangerous link; the tracker API replays what it
was sent. Loopback only.
"""

from __future__ import annotations

import sys

from aiohttp import web

HOSTILE_REPLY = [
    {
        "text": 'Réponse piégée : <img src=x onerror="window.__pwned=1"> et <b>gras</b>\n'
        "- [lien piégé](javascript:window.__pwned=2)\n"
        "- Le site : https://www.loire-atlantique.gouv.fr/innovation.\n"
        "- [Données](data:text/html,<script>window.__pwned=3</script>)",
        "buttons": [
            {"title": "<i>Choix</i> A", "payload": '/choisir{"x":"a"}'},
            {"title": "Choix B", "payload": '/choisir{"x":"b"}'},
        ],
    },
    {"image": "javascript:window.__pwned=4"},
    {"text": "Fin."},
]


def create_app() -> web.Application:
    conversations: dict[str, list[dict]] = {}

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="Hello from fake Rasa")

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        events = conversations.setdefault(f"rest:{body['sender']}", [])  # as Rasa's REST channel keeps it
        events.append({"event": "user", "text": body["message"]})
        if body["message"].startswith("/choisir"):
            reply = [{"text": f"Vous avez choisi {body['message'][-3]}."}]
        else:
            reply = HOSTILE_REPLY
        for message in reply:
            events.append(
                {
                    "event": "bot",
                    "text": message.get("text"),
                    "data": {"buttons": message.get("buttons"), "image": message.get("image")},
                }
            )
        return web.json_response([{"recipient_id": body["sender"], **m} for m in reply])

    async def tracker(request: web.Request) -> web.Response:
        sender = request.match_info["sender"]
        return web.json_response({"sender_id": sender, "events": conversations.get(sender, [])})

    app = web.Application()
    app.router.add_get("/", hello)
    app.router.add_post("/webhooks/rest/webhook", webhook)
    app.router.add_get("/conversations/{sender}/tracker", tracker)
    return app


if __name__ == "__main__":
    web.run_app(create_app(), host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
