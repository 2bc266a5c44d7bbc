"""Load a model into the running Rasa server through its authenticated HTTP API (`PUT /model`).

Cluster (deploy/README.md): RASA_URLS lists every Rasa instance (comma-separated); the model is loaded
into each in turn, after checking that all answer, and a failure stops there with a French error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

import requests

from bot.runtime.model_signing import ModelSignatureError, verify
from bot.runtime.settings import api_token, load_settings
from bot.tooling.staff.project import StaffError


def require_signed(model: Path) -> None:
    """A model archive is code: only archives signed by this project's training are loaded (bot/runtime/model_signing.py)."""
    try:
        verify(model)
    except ModelSignatureError as exc:
        raise StaffError(f"modèle refusé — {exc}") from None


@dataclass(frozen=True)
class RasaApi:
    url: str
    token: str
    timeout: float = 300
    others: tuple[str, ...] = ()  # the other instances of a cluster, loaded after `url`

    @property
    def urls(self) -> tuple[str, ...]:
        return (self.url, *self.others)

    @classmethod
    def from_settings(cls) -> RasaApi:
        settings = load_settings()
        urls = instance_urls(settings.rasa_urls)
        if urls:
            return cls(urls[0], api_token(), others=urls[1:])
        host = "127.0.0.1" if settings.rasa_host in ("0.0.0.0", "::", "") else settings.rasa_host
        return cls(f"http://{host}:{settings.rasa_port}", api_token())

    def is_running(self) -> bool:
        """The first instance answers (a cluster's other instances are checked by `load`)."""
        return _answers(self.url)

    def status(self, url: Optional[str] = None) -> dict:
        url = url or self.url
        try:
            response = requests.get(f"{url}/status", params={"token": self.token}, timeout=10)
        except requests.RequestException as exc:
            raise StaffError(f"le serveur Rasa ({url}) ne répond pas : {type(exc).__name__}") from None
        if response.status_code == 401:
            raise StaffError(
                f"le serveur Rasa ({url}) refuse le jeton de l'API : vérifiez RASA_API_TOKEN ou var/rasa-api-token."
            )
        if not response.ok:
            raise StaffError(f"le serveur Rasa ({url}) répond HTTP {response.status_code} à /status.")
        return response.json()

    def loaded_model(self) -> Optional[str]:
        return self.status().get("model_file")

    def load(self, model: Path) -> None:
        """Every instance, in turn; all must answer with the token first, so an unreachable one changes nothing."""
        require_signed(model)
        for url in self.urls:
            self.status(url)
        for index, url in enumerate(self.urls):
            try:
                self._load_one(url, model)
            except StaffError as exc:
                if not self.others:
                    raise
                done, left = self.urls[:index], self.urls[index + 1 :]
                raise StaffError(
                    f"{exc}\n  instances déjà passées au nouveau modèle : {', '.join(done) or 'aucune'} ; "
                    f"non modifiées : {', '.join((url, *left))}. Corrigez puis relancez la publication."
                ) from None

    def _load_one(self, url: str, model: Path) -> None:
        """PUT /model: Rasa swaps the agent only once the new model has loaded, so a failure keeps the old one."""
        try:
            response = requests.put(
                f"{url}/model",
                params={"token": self.token},
                json={"model_file": str(model.resolve())},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise StaffError(f"le serveur Rasa ({url}) n'a pas répondu au chargement du modèle : {exc}") from exc
        if response.status_code == 401:
            raise StaffError(
                f"le serveur Rasa ({url}) refuse le jeton de l'API : vérifiez RASA_API_TOKEN ou var/rasa-api-token."
            )
        if response.status_code != 204:
            raise StaffError(
                f"le serveur Rasa ({url}) n'a pas chargé le modèle (HTTP {response.status_code}) : {response.text[:300]} ; "
                "il continue avec l'ancien modèle."
            )


def _answers(url: str) -> bool:
    try:
        return requests.get(url + "/", timeout=3).ok
    except requests.RequestException:
        return False


def instance_urls(value: str) -> tuple[str, ...]:
    """RASA_URLS: « http://rasa-1:5005,http://rasa-2:5005 » (order kept, duplicates dropped)."""
    urls: list[str] = []
    for item in value.split(","):
        url = item.strip().rstrip("/")
        if not url:
            continue
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            raise StaffError(f"RASA_URLS : « {url} » n'est pas une adresse http(s)://hôte:port d'instance Rasa.")
        if url not in urls:
            urls.append(url)
    return tuple(urls)
