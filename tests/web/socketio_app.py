"""`python -m tests.web.socketio_app PORT CREDENTIALS_JSON`: only the origin-checked socket.io
channel on a bare Sanic app, as Rasa registers it, without loading a model."""

from __future__ import annotations

import json
import sys

from sanic import Sanic, response

from bot.runtime.channels.socket_io import OriginCheckedSocketIOInput


async def ignore(message) -> None:  # type: ignore[no-untyped-def]
    return None


def main() -> None:
    port, credentials = int(sys.argv[1]), json.loads(sys.argv[2])
    app = Sanic("socketio_origin_test")
    channel = OriginCheckedSocketIOInput.from_credentials(credentials)
    app.blueprint(channel.blueprint(ignore))

    @app.get("/")
    async def root(request):  # type: ignore[no-untyped-def]
        return response.text("ok")

    app.run(host="127.0.0.1", port=port, access_log=False, workers=1)


if __name__ == "__main__":
    main()
