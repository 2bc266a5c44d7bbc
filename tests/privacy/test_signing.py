"""Only models trained by this project's own commands are loaded (a Rasa model archive is code: Rasa 3.6.21's
model-loading advisory). Training signs the archive; `python -m bot run` and the staff publish and rollback
refuse an unsigned, tampered or foreign one, in one French sentence."""

from __future__ import annotations

import io
import stat
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from bot.runtime import model_signing
from bot.runtime.launcher import rasa_server_command, trusted_model
from bot.runtime.model_signing import (
    ModelSignatureError,
    sign,
    signature_path,
    signing_key,
    verified_copy,
    verify,
)
from bot.runtime.settings import PROJECT_ROOT, load_settings
from bot.tooling.staff.history import ModelHistory
from bot.tooling.staff.project import Project, StaffError
from bot.tooling.staff.publish import RasaApi
from bot.tooling.staff.retrain import publish, rollback
from tests.support.servers import free_port, quiet_env

KEY = "cle-de-test-0123456789abcdef"


@pytest.fixture(autouse=True)
def signing_key_env(monkeypatch):
    monkeypatch.setenv("MODEL_SIGNING_KEY", KEY)


@pytest.fixture
def verified_dir(tmp_path, monkeypatch) -> Path:
    """var/verified-models/ of this test."""
    folder = tmp_path / "var" / "verified-models"
    monkeypatch.setattr(model_signing, "VERIFIED_DIR", folder)
    return folder


def archive(path: Path, content: bytes = b"metadata") -> Path:
    """A small but real .tar.gz (start-up checks that the model is a readable archive before its signature)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("metadata.json")
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))
    return path


def test_a_signed_model_verifies_and_any_change_is_refused(tmp_path):
    model = archive(tmp_path / "m.tar.gz")
    with pytest.raises(ModelSignatureError, match="modèle non signé .*make train"):
        verify(model)
    sign(model)
    verify(model)
    with pytest.raises(ModelSignatureError, match="autre clé"):
        verify(model, key=b"une-autre-installation")
    archive(model, b"metadata modifiee")
    with pytest.raises(ModelSignatureError, match="signature invalide .*archive modifiée"):
        verify(model)


def test_the_key_is_generated_once_private_and_kept(tmp_path):
    path = tmp_path / "var" / "model-signing-key"
    with pytest.raises(ModelSignatureError, match="aucune clé"):
        signing_key(path=path, environ={})  # verifying never invents a key
    first = signing_key(create=True, path=path, environ={})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(first) == 64
    assert signing_key(create=True, path=path, environ={}) == first
    assert signing_key(path=path, environ={"MODEL_SIGNING_KEY": "k"}) == b"k"


def run_bot(tmp_path: Path, models: Path) -> subprocess.CompletedProcess:
    env = quiet_env(
        RASA_PORT=str(free_port()),
        ACTION_PORT=str(free_port()),
        TRACKER_DB=str(tmp_path / "t.db"),
        MODELS_DIR=str(models),
        MODEL_SIGNING_KEY=KEY,
    )
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_start_up_refuses_an_unsigned_or_tampered_model_in_one_line(tmp_path):
    model = archive(tmp_path / "models" / "mois-innovation.tar.gz")
    for expected in ("modèle non signé", "signature invalide"):
        result = run_bot(tmp_path, model.parent)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2 and len(lines) == 1 and not result.stdout.strip(), result.stdout + result.stderr
        assert lines[0].startswith(f"Impossible de démarrer — {expected}") and "make train" in lines[0], lines[0]
        sign(model)
        archive(model, b"echange apres signature")  # second round: signed, then replaced


def test_rasa_loads_a_private_copy_checked_as_it_was_made(tmp_path, verified_dir):
    """Time of check, time of use: the path handed to Rasa is the verified copy, which a later change of the
    original does not reach."""
    model = archive(tmp_path / "models" / "mois-innovation.tar.gz", b"modele signe")
    sign(model)
    loaded = trusted_model(model.parent)
    assert loaded == verified_dir / model.name and loaded != model
    assert stat.S_IMODE(loaded.stat().st_mode) == 0o600 and stat.S_IMODE(verified_dir.stat().st_mode) == 0o700
    command = rasa_server_command(load_settings({}), loaded, "un-jeton")
    assert command[command.index("--model") + 1] == str(loaded)
    signed = loaded.read_bytes()
    archive(model, b"code arbitraire glisse apres la verification")  # the original changes after the check
    with pytest.raises(ModelSignatureError, match="signature invalide"):
        verify(model)
    assert loaded.read_bytes() == signed  # what Rasa loads is still the archive that was checked
    with tarfile.open(loaded) as tar:
        assert tar.extractfile("metadata.json").read() == b"modele signe"  # type: ignore[union-attr]
    assert [p.name for p in verified_dir.iterdir()] == [model.name]  # no temporary file left


def test_the_copy_is_checked_on_what_was_copied_not_on_a_second_read(tmp_path, verified_dir, monkeypatch):
    """The archive swapped between a check and the copy: the copy's own bytes are what is checked."""
    model = archive(tmp_path / "models" / "mois-innovation.tar.gz", b"modele signe")
    sign(model)
    real_open = Path.open

    def swapped_open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self == model:  # the attacker's archive is what the copy reads
            archive(tmp_path / "piege.tar.gz", b"piege")
            return real_open(tmp_path / "piege.tar.gz", *args, **kwargs)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", swapped_open)
    with pytest.raises(ModelSignatureError, match="signature invalide"):
        verified_copy(model)
    assert list(verified_dir.iterdir()) == []  # nothing left that Rasa could load


def test_an_unsigned_model_is_never_copied(tmp_path, verified_dir):
    model = archive(tmp_path / "models" / "mois-innovation.tar.gz")
    with pytest.raises(ModelSignatureError, match="modèle non signé"):
        verified_copy(model)
    assert not verified_dir.exists() or list(verified_dir.iterdir()) == []


def test_sign_model_command_makes_a_trusted_model_acceptable(tmp_path, verified_dir):
    model = archive(tmp_path / "models" / "venu-d-ailleurs.tar.gz")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sign-model", str(model)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env=quiet_env(MODEL_SIGNING_KEY=KEY),
        timeout=60,
    )
    assert result.returncode == 0 and str(signature_path(model)) in result.stdout, result.stderr
    assert trusted_model(model.parent).read_bytes() == model.read_bytes()


def test_staff_load_refuses_an_unsigned_model_before_contacting_the_server(tmp_path):
    api = RasaApi(f"http://127.0.0.1:{free_port()}", "jeton")  # nobody listens: any request would fail differently
    with pytest.raises(StaffError, match="modèle refusé — modèle non signé"):
        api.load(archive(tmp_path / "candidate.tar.gz"))


def test_publish_and_rollback_keep_signatures_and_refuse_tampered_archives(tmp_path):
    project = Project(tmp_path)
    sign(archive(project.live_model, b"v0"))
    unsigned = archive(tmp_path / "staging" / "candidate.tar.gz", b"v1")
    with pytest.raises(StaffError, match="modèle refusé"):
        publish(project, unsigned, {}, None, lambda _: None)
    assert not ModelHistory(project).state().current  # nothing recorded

    sign(unsigned)
    model_id, loaded = publish(project, unsigned, {}, None, lambda _: None)
    history = ModelHistory(project)
    assert not loaded and history.state().current == model_id
    verify(project.live_model)  # the live copy carries its signature
    verify(history.archive(model_id))
    previous = history.archive(history.state().previous)
    verify(previous)  # the adopted first model kept its own

    archive(previous, b"v0 remplace dans l'historique")
    with pytest.raises(StaffError, match="modèle refusé — signature invalide"):
        rollback(project, None, lambda _: None)
    assert history.state().current == model_id
    verify(project.live_model)
