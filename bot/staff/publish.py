"""Load a model into the running Rasa server through its authenticated HTTP API (`PUT /model`)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import requests

from bot.settings import api_token, load_settings
from bot.staff.project import StaffError


@dataclass(frozen=True)
class RasaApi:
    url: str
    token: str
    timeout: float = 300

    @classmethod
    def from_settings(cls) -> "RasaApi":
        settings = load_settings()
        host = "127.0.0.1" if settings.rasa_host in ("0.0.0.0", "::", "") else settings.rasa_host
        return cls(f"http://{host}:{settings.rasa_port}", api_token())

    def is_running(self) -> bool:
        try:
            return requests.get(self.url + "/", timeout=3).ok
        except requests.RequestException:
            return False

    def status(self) -> dict:
        response = requests.get(f"{self.url}/status", params={"token": self.token}, timeout=10)
        if response.status_code == 401:
            raise StaffError(f"le serveur Rasa ({self.url}) refuse le jeton de l'API : vérifiez RASA_API_TOKEN ou var/rasa-api-token.")
        response.raise_for_status()
        return response.json()

    def loaded_model(self) -> Optional[str]:
        return self.status().get("model_file")

    def load(self, model: Path) -> None:
        """PUT /model: Rasa swaps the agent only once the new model has loaded, so a failure keeps the old one."""
        try:
            response = requests.put(f"{self.url}/model", params={"token": self.token},
                                    json={"model_file": str(model.resolve())}, timeout=self.timeout)
        except requests.RequestException as exc:
            raise StaffError(f"le serveur Rasa ({self.url}) n'a pas répondu au chargement du modèle : {exc}") from exc
        if response.status_code == 401:
            raise StaffError(f"le serveur Rasa ({self.url}) refuse le jeton de l'API : vérifiez RASA_API_TOKEN ou var/rasa-api-token.")
        if response.status_code != 204:
            raise StaffError(f"le serveur Rasa n'a pas chargé le modèle (HTTP {response.status_code}) : {response.text[:300]} ; "
                             "il continue avec l'ancien modèle.")
