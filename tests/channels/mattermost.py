"""Request fixtures exactly in Mattermost's documented formats, and the Osmose-style generic schema.

Outgoing webhook: https://developers.mattermost.com/integrate/webhooks/outgoing/
Slash command:    https://developers.mattermost.com/integrate/slash-commands/custom/
Ids are 26 lowercase alphanumerics like Mattermost's; they only need to be unique per test.
"""

from __future__ import annotations

import secrets
import string
from typing import Any, Optional
from urllib.parse import urlencode

from tests.support.servers import AGENTS_TEST_TOKEN

TEAM_ID = "rdc9bgriktyx9p4kowh3dmgqyc"
TRIGGER = "@evenements"
COMMAND = "/evenements"


def mm_id() -> str:
    """A fresh Mattermost-like id (26 chars [a-z0-9])."""
    return "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(26))


def outgoing_webhook(
    text: str,
    *,
    channel_id: str,
    user_id: str,
    token: str = AGENTS_TEST_TOKEN,
    trigger_word: str = TRIGGER,
    channel_name: str = "innovation-publique",
    **extra: Any,
) -> dict[str, Any]:
    """The JSON body of an outgoing webhook; `text` is the whole post, trigger word included."""
    payload = {
        "token": token,
        "team_id": TEAM_ID,
        "team_domain": "prefecture-pdl",
        "channel_id": channel_id,
        "channel_name": channel_name,
        "timestamp": 1605783600000,
        "user_id": user_id,
        "user_name": "camille.martin",
        "post_id": mm_id(),
        "text": text,
        "trigger_word": trigger_word,
        "file_ids": "",
    }
    payload.update(extra)
    return payload


def slash_command(
    text: str,
    *,
    channel_id: str,
    user_id: str,
    token: str = AGENTS_TEST_TOKEN,
    response_url: Optional[str] = None,
    command: str = COMMAND,
    **extra: Any,
) -> dict[str, str]:
    """The form fields of a slash command; `text` is what follows the command."""
    fields = {
        "channel_id": channel_id,
        "channel_name": "town-square",
        "command": command,
        "response_url": response_url or f"https://chat.example.gouv.fr/hooks/commands/{mm_id()}",
        "team_domain": "prefecture-pdl",
        "team_id": TEAM_ID,
        "text": text,
        "token": token,
        "trigger_id": mm_id(),
        "user_id": user_id,
        "user_name": "camille.martin",
    }
    fields.update(extra)
    return fields


def slash_headers(token: str = AGENTS_TEST_TOKEN) -> dict[str, str]:
    """Headers Mattermost adds to a slash command request."""
    return {
        "Authorization": f"Token {token}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
    }


def form(fields: dict[str, Any]) -> str:
    return urlencode({k: str(v) for k, v in fields.items()})


def generic(
    question: str, *, channel_id: str, user_id: str, token: str = AGENTS_TEST_TOKEN, **extra: Any
) -> dict[str, Any]:
    """The Osmose-style generic JSON webhook (schema in docs/mattermost.md)."""
    payload = {
        "token": token,
        "platform": "osmose",
        "space_id": "espace-innovation",
        "channel_id": channel_id,
        "user_id": user_id,
        "user_name": "Camille Martin",
        "message_id": mm_id(),
        "question": question,
    }
    payload.update(extra)
    return payload
