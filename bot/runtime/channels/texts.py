"""French texts the bot sends when something is wrong on its side; the contact comes from the catalogue."""

from __future__ import annotations

import functools
import logging
from typing import Optional

from bot.domain.catalogue import load_catalogue
from bot.runtime.settings import load_settings

logger = logging.getLogger(__name__)

CATALOGUE_ENV = "MOIS_CATALOGUE"  # the action server's file too: settings.catalogue_path (bot/runtime/settings.py)


@functools.lru_cache(maxsize=1)
def catalogue_contact() -> Optional[str]:
    """The contact's name from the catalogue, or None if the catalogue cannot be read right now."""
    try:
        return load_catalogue(load_settings().catalogue_path).contact.name
    except Exception as exc:  # noqa: BLE001 - an error text must never fail in turn
        logger.error("Contact introuvable dans le catalogue (%s) : message d'excuse sans contact.", exc)
        return None


def _with_contact(text: str, contact: Optional[str]) -> str:
    return f"{text} Vous pouvez aussi contacter : {contact}." if contact else text


def apology(contact: Optional[str]) -> str:
    """Said when the action server is down or too slow: short, honest, with the human contact."""
    return _with_contact(
        "Désolé, je ne peux pas répondre pour le moment (service momentanément indisponible). "
        "Réessayez dans un instant.",
        contact,
    )


def temporary_error(contact: Optional[str]) -> str:
    """Said (with a 503) when the conversation could not be read or saved."""
    return _with_contact(
        "Désolé, une erreur temporaire m'empêche d'enregistrer notre conversation. "
        "Votre message n'a pas été pris en compte : renvoyez-le dans un instant.",
        contact,
    )


TOO_MANY = "Trop de messages en peu de temps : patientez quelques secondes avant d'envoyer le suivant."
