"""Signed models: only archives trained by this project's own commands are loaded.

A Rasa model archive is code (Rasa 3.6.21's model-loading advisory, CVE-2024-49375): loading an
untrusted one can run arbitrary code. The training commands (Makefile `$(MODEL)` rule, staff
retrain) write `<model>.sig`, an HMAC-SHA256 of the archive under a key of this installation;
`make run`/`python -m bot run` and the staff publish/rollback refuse an archive without a valid one.

Key: MODEL_SIGNING_KEY, else var/model-signing-key, generated on the first training (mode 0600).

Checking a file and then handing its path to Rasa leaves a window in which the file can change:
`verified_copy` copies the archive into var/verified-models/ (folder 0700, file 0600), computes the
signature on the bytes it copies, and returns the copy, which is what `make run` gives Rasa.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Optional

from bot.runtime.settings import VAR_DIR, load_settings

KEY_VARIABLE = "MODEL_SIGNING_KEY"
KEY_PATH = VAR_DIR / "model-signing-key"
VERIFIED_DIR = VAR_DIR / "verified-models"
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
    scheme, expected = _signature_of(model)
    actual = _digest(model, key or signing_key())
    if scheme != SCHEME or not hmac.compare_digest(expected, actual):
        raise _invalid(model)


def verified_copy(model: Path, directory: Optional[Path] = None, key: Optional[bytes] = None) -> Path:
    """A private copy of `model` whose bytes, as copied, carry this installation's signature (else
    ModelSignatureError, and no copy is left): load the copy, not `model`, which may change after the check.

    In `directory` (var/verified-models/ by default, mode 0700), under the model's name, mode 0600; replaced
    whole (a server started on the previous copy has loaded it already)."""
    scheme, expected = _signature_of(model)
    key = key or signing_key()
    folder = VERIFIED_DIR if directory is None else directory
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    descriptor, name = tempfile.mkstemp(prefix=f".{model.name}.", suffix=".tmp", dir=folder)  # mode 0600
    copy = Path(name)
    try:
        mac = hmac.new(key, digestmod=hashlib.sha256)
        with os.fdopen(descriptor, "wb") as target, model.open("rb") as source:
            for block in iter(lambda: source.read(1 << 20), b""):
                mac.update(block)
                target.write(block)
            target.flush()
            os.fsync(target.fileno())
        if scheme != SCHEME or not hmac.compare_digest(expected, mac.hexdigest()):
            raise _invalid(model)
        verified = folder / model.name
        os.replace(copy, verified)
    except BaseException:
        copy.unlink(missing_ok=True)
        raise
    return verified


def _trusted_hint(model: Path) -> str:
    return f"pour un modèle sûr venu d'ailleurs : python -m bot sign-model {model}"


def _signature_of(model: Path) -> tuple[str, str]:
    """(scheme, digest) of `<model>.sig`; ModelSignatureError when there is none."""
    signature = signature_path(model)
    if not signature.exists():
        raise ModelSignatureError(
            f"modèle non signé ({model}) : seuls les modèles entraînés par ce projet sont chargés ; "
            f"lancez `make train` ({_trusted_hint(model)})"
        )
    scheme, _, expected = signature.read_text().strip().partition(" ")
    return scheme, expected


def _invalid(model: Path) -> ModelSignatureError:
    return ModelSignatureError(
        f"signature invalide pour {model} (archive modifiée, ou signée avec une autre clé) : "
        f"supprimez {signature_path(model).name} puis lancez `make train` ({_trusted_hint(model)})"
    )


def copy_signature(source_model: Path, target_model: Path) -> None:
    """Keep a model's signature next to its copy (history, live model)."""
    source = signature_path(source_model)
    if source.exists():
        target = signature_path(target_model)
        tmp = target.with_name(target.name + ".tmp")
        shutil.copyfile(source, tmp)  # dated now, after the model copy: the Makefile sees a signature up to date
        os.replace(tmp, target)
