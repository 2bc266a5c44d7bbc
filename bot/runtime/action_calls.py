"""Custom actions with a short timeout and an apology instead of silence.

Rasa 3.6 calls the action server with a fixed 5-minute timeout (rasa.core.constants
DEFAULT_REQUEST_TIMEOUT, passed explicitly by RemoteAction.run) and, when the call fails, logs
the error and sends nothing: the user waits, then gets silence. `ResilientRemoteAction` bounds the
call by `action_endpoint.timeout` (endpoints.yml) and, when the server is down, slow or answers
garbage, utters a short apology with the contact from the catalogue. A rejection
(ActionExecutionRejection) keeps Rasa's meaning. Once the action server is back, the next call
simply succeeds: there is no state to reset.

Rasa builds remote actions through `rasa.core.actions.action.RemoteAction`, looked up at call
time: `install()` points that name at the subclass (idempotent). The channels of credentials.yml
call it when Rasa creates them.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any, Optional

import rasa.core.actions.action as rasa_action
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import ActionExecutionRejection
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import BotUttered, Event, UserUttered

from bot.runtime.channels.texts import apology, catalogue_contact

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 4.0  # seconds; with NLU and the reply, the apology arrives within 5 s
APOLOGY_MARK = "action_server_unavailable"
_OriginalRemoteAction = rasa_action.RemoteAction


def action_timeout(endpoint: Any) -> float:
    """`timeout` of the action endpoint in endpoints.yml (seconds), else DEFAULT_TIMEOUT."""
    raw = getattr(endpoint, "kwargs", {}).get("timeout") if endpoint is not None else None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return DEFAULT_TIMEOUT
    return value if 0 < value <= 300 else DEFAULT_TIMEOUT


def apologised_this_turn(events: Any) -> bool:
    """True if an apology was already uttered since the latest user message (say it once per turn)."""
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and (event.metadata or {}).get("reliability") == APOLOGY_MARK:
            return True
    return False


def apology_event(contact: Optional[str]) -> BotUttered:
    return BotUttered(apology(contact), metadata={"reliability": APOLOGY_MARK})


@functools.lru_cache(maxsize=1)
def _response_validator() -> Any:
    schema = _OriginalRemoteAction.action_response_format_spec()
    return validator_for(schema)(schema)


class ResilientRemoteAction(_OriginalRemoteAction):
    def _validate_action_result(self, result: dict[str, Any]) -> bool:
        """Rasa's check of the action server's reply, with the JSON schema compiled once.

        Rasa calls jsonschema.validate(), which re-checks the schema itself every time, in Rasa's event
        loop for each action call (its cost is in `make bench`'s tuning series).
        """
        error = best_match(_response_validator().iter_errors(result))  # what jsonschema.validate() raises
        if error is not None:
            error.message += (
                ". Failed to validate Action server response from API, make sure your response from "
                f"the Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
            )
            raise error
        return True

    async def run(self, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> list[Event]:
        if apologised_this_turn(tracker.events):
            return []
        timeout = action_timeout(self.action_endpoint)
        try:
            return await asyncio.wait_for(super().run(output_channel, nlg, tracker, domain), timeout)
        except ActionExecutionRejection:
            raise
        except asyncio.TimeoutError:
            logger.error(
                "Action %s : pas de réponse du serveur d'actions en %.1f s ; excuse envoyée.", self.name(), timeout
            )
        except Exception as exc:  # noqa: BLE001 - Rasa would log it and answer nothing
            logger.error(
                "Action %s : serveur d'actions indisponible (%s: %s) ; excuse envoyée.",
                self.name(),
                type(exc).__name__,
                str(exc)[:200],
            )
        return [apology_event(catalogue_contact())]


def install() -> None:
    """Make Rasa build every remote action as a ResilientRemoteAction."""
    if rasa_action.RemoteAction is not ResilientRemoteAction:
        rasa_action.RemoteAction = ResilientRemoteAction  # type: ignore[misc]
        logger.debug("Actions distantes : délai et excuse activés.")
