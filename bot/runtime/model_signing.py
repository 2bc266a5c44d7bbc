"""Signed models: only archives trained by this project's own commands are loaded.

A Rasa model archive is code (Rasa 3.6.21's model-loading advisory, CVE-2024-49375): loading an
untrusted one can run arbitrary code. The training commands (Makefile `$(MODEL)` rule, staff
retrain) write `<model>.sig`, an HMAC-SHA256 of the archive under a key of this installation;
`make run`/`python -m bot run` and the staff publish/rollback refuse an archive without a valid one.

Key: MODEL_SIGNING_KEY, else var/model-signing-key, generated on the first training (mode 0600).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Optional

from bot.runtime.settings import VAR_DIR, load_settings

KEY_VARIABLE = "MODEL_SIGNING_KEY"
KEY_PATH = VAR_DIR / "model-signing-key"
SCHEME = "hmac-sha256"


class ModelSignatureError(RuntimeError):
    """The model is unsigned, tampered with, or signed under another key (French message)."""


def signature_path(model: Path) -> Path:
    return model.with_name(model.name + ".sig")


def signing_key(create: bool = False, path: Path = KEY_PATH, environ: Optional[Mapping[str, str]] = None) -> bytes:
    """MODEL_SIGNING_KEY, else the key file; `create` generates the file once (first training)."""
    value = load_settings(environ).model_signing_key
    if value:
        return value.encode()
    if not path.exists():
        if not create:
            raise ModelSignatureError(
                f"aucune clé de signature des modèles ({KEY_VARIABLE} ou {path}) : "
                "lancez `make train`, qui la crée et signe le modèle"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        try:  # O_EXCL: two trainings at once keep the first key, never overwrite it
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w") as key_file:
                key_file.write(secrets.token_hex(32) + "\n")
    key = path.read_text().strip()
    if not key:
        raise ModelSignatureError(f"clé de signature vide dans {path} : supprimez ce fichier et lancez `make train`")
    return key.encode()


def _digest(model: Path, key: bytes) -> str:
    mac = hmac.new(key, digestmod=hashlib.sha256)
    with model.open("rb") as archive:
        for block in iter(lambda: archive.read(1 << 20), b""):
            mac.update(block)
    return mac.hexdigest()


def sign(model: Path, key: Optional[bytes] = None) -> Path:
    """Write `<model>.sig` (the key is created if this installation has none yet)."""
    if not model.is_file():
        raise ModelSignatureError(f"modèle introuvable : {model}")
    signature = signature_path(model)
    tmp = signature.with_name(signature.name + ".tmp")
    tmp.write_text(f"{SCHEME} {_digest(model, key or signing_key(create=True))}\n")
    os.replace(tmp, signature)
    return signature


def verify(model: Path, key: Optional[bytes] = None) -> None:
    """Raise ModelSignatureError (one French sentence) unless `model` carries this installation's signature."""
    signature = signature_path(model)
    trusted = f"pour un modèle sûr venu d'ailleurs : python -m bot sign-model {model}"
    if not signature.exists():
        raise ModelSignatureError(
            f"modèle non signé ({model}) : seuls les modèles entraînés par ce projet sont chargés ; "
            f"lancez `make train` ({trusted})"
        )
    scheme, _, expected = signature.read_text().strip().partition(" ")
    actual = _digest(model, key or signing_key())
    if scheme != SCHEME or not hmac.compare_digest(expected, actual):
        raise ModelSignatureError(
            f"signature invalide pour {model} (archive modifiée, ou signée avec une autre clé) : "
            f"supprimez {signature.name} puis lancez `make train` ({trusted})"
        )


def copy_signature(source_model: Path, target_model: Path) -> None:
    """Keep a model's signature next to its copy (history, live model)."""
    source = signature_path(source_model)
    if source.exists():
        target = signature_path(target_model)
        tmp = target.with_name(target.name + ".tmp")
        shutil.copyfile(source, tmp)  # dated now, after the model copy: the Makefile sees a signature up to date
        os.replace(tmp, target)
