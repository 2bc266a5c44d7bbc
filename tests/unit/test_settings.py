"""The one settings object: defaults of `make run`, French errors naming the variable, README's table."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.domain.catalogue import DEFAULT_CATALOGUE_PATH
from bot.runtime.channels.admission import DEFAULT_SLOTS
from bot.runtime.settings import (
    PROJECT_ROOT,
    VAR_DIR,
    Settings,
    SettingsError,
    default_text,
    load_settings,
    process_environment,
    settings_table_markdown,
)
from bot.runtime.stores.retention import DEFAULT_RETENTION_DAYS

README = PROJECT_ROOT / "README.md"
SECTION = "## Variables d'environnement"


def test_defaults_are_those_of_make_run() -> None:
    s = load_settings({})
    assert (s.rasa_host, s.rasa_port, s.action_host, s.action_port) == ("127.0.0.1", 5005, "127.0.0.1", 5055)
    assert s.action_server_url == "http://127.0.0.1:5055/webhook"
    assert (s.tracker_dialect, s.tracker_db, s.tracker_port) == ("sqlite", str(VAR_DIR / "tracker.db"), None)
    assert s.models_dir == PROJECT_ROOT / "models" and s.catalogue_path == DEFAULT_CATALOGUE_PATH
    assert s.mois_reference_date is None and s.tracker_sqlite_wal is False
    assert (s.tracker_retention_days, s.admission_slots) == (DEFAULT_RETENTION_DAYS, DEFAULT_SLOTS) == (90, 8)
    assert (s.rate_limit_sender_per_minute, s.rate_limit_sender_burst) == (120, 20)
    assert (s.rate_limit_ip_per_minute, s.rate_limit_ip_burst) == (300, 60)
    assert s.trusted_networks == (ipaddress.ip_network("127.0.0.1"), ipaddress.ip_network("::1"))
    assert (s.web_host, s.web_port, s.rasa_url, s.web_rasa_timeout) == ("127.0.0.1", 8080, "http://127.0.0.1:5005", 30)
    assert s.allowed_origins == () and s.redis_url == "" and s.rasa_urls == ""


def test_values_are_typed() -> None:
    s = load_settings(
        {
            "RASA_PORT": "5006",
            "ACTION_PORT": " 5056 ",
            "TRACKER_DIALECT": "postgresql",
            "TRACKER_HOST": "db.interne",
            "TRACKER_PORT": "5433",
            "TRACKER_SQLITE_WAL": "oui",
            "MOIS_REFERENCE_DATE": "2020-11-18",
            "RATE_LIMIT_IP_PER_MINUTE": "0",
            "RATE_LIMIT_IP_BURST": "0",
            "RASA_URL": "http://rasa.interne:5005/",
            "WEB_ALLOWED_ORIGINS": "HTTPS://Pref.Gouv.Fr/",
            "MODELS_DIR": "/srv/modeles",
            "REDIS_URL": " redis://cache:6379/0 ",
        }
    )
    assert (s.rasa_port, s.action_port, s.tracker_port) == (5006, 5056, 5433)
    assert s.action_server_url == "http://127.0.0.1:5056/webhook"
    assert s.tracker_db == "rasa"  # the database name of a PostgreSQL store
    assert s.tracker_sqlite_wal is True and s.mois_reference_date == dt.date(2020, 11, 18)
    assert s.rasa_url == "http://rasa.interne:5005" and type(s.rasa_url) is str
    assert s.allowed_origins == ("https://pref.gouv.fr",) and s.models_dir == Path("/srv/modeles")
    assert s.redis_url == "redis://cache:6379/0"


def test_field_names_are_the_variables_in_lower_case_and_each_is_described_in_french() -> None:
    for name, field in Settings.__fields__.items():
        assert name == name.lower() and re.fullmatch(r"[a-z][a-z0-9_]*", name), name
        assert field.field_info.description, f"{name.upper()} sans description"


def test_load_settings_reads_this_process_or_only_the_given_mapping(monkeypatch) -> None:
    monkeypatch.setenv("RASA_PORT", "5999")
    assert load_settings().rasa_port == 5999
    assert load_settings({}).rasa_port == 5005  # a given mapping is read alone
    assert load_settings({"rasa_port": "6000"}).rasa_port == 6000  # case-insensitive, as pydantic reads os.environ


@pytest.mark.parametrize(
    "env, message",
    [
        ({"RASA_PORT": "abc"}, "RASA_PORT='abc' : numéro de port attendu (1-65535)"),
        ({"ACTION_PORT": "70000"}, "ACTION_PORT='70000' : numéro de port attendu (1-65535)"),
        ({"WEB_PORT": ""}, "WEB_PORT='' : numéro de port attendu (1-65535)"),
        ({"TRACKER_DIALECT": "mysql"}, "TRACKER_DIALECT='mysql' : valeurs possibles sqlite, postgresql"),
        ({"TRACKER_DIALECT": "postgresql"}, "TRACKER_DIALECT=postgresql demande TRACKER_HOST"),
        ({"TRACKER_SQLITE_WAL": "peut-être"}, "TRACKER_SQLITE_WAL='peut-être' : 1 (journal WAL"),
        ({"TRACKER_RETENTION_DAYS": "-3"}, "TRACKER_RETENTION_DAYS='-3' : nombre de jours entier attendu"),
        ({"ADMISSION_SLOTS": "0"}, "ADMISSION_SLOTS='0' : nombre entier ≥ 1 attendu"),
        ({"RATE_LIMIT_SENDER_PER_MINUTE": "beaucoup"}, "RATE_LIMIT_SENDER_PER_MINUTE='beaucoup' : nombre positif"),
        ({"RATE_LIMIT_IP_PER_MINUTE": "inf"}, "RATE_LIMIT_IP_PER_MINUTE='inf' : nombre positif"),
        ({"RATE_LIMIT_IP_BURST": "0"}, "RATE_LIMIT_IP_BURST : 1 au moins"),
        ({"MOIS_REFERENCE_DATE": "hier"}, "MOIS_REFERENCE_DATE='hier' : date attendue au format AAAA-MM-JJ"),
        ({"TRUSTED_PROXIES": "10.0.0.0/8, proxy.interne"}, "TRUSTED_PROXIES : « proxy.interne »"),
        ({"WEB_ALLOWED_ORIGINS": "https://a.gouv.fr/chemin"}, "WEB_ALLOWED_ORIGINS : « https://a.gouv.fr/chemin »"),
        ({"RASA_URL": "localhost:5005"}, "RASA_URL='localhost:5005' : adresse http(s) attendue"),
        ({"WEB_PUBLIC_URL": "innovation.gouv.fr"}, "WEB_PUBLIC_URL='innovation.gouv.fr' : adresse http(s) attendue"),
        ({"WEB_RASA_TIMEOUT": "longtemps"}, "WEB_RASA_TIMEOUT='longtemps' : nombre de secondes attendu"),
    ],
)
def test_a_bad_value_is_one_french_sentence_naming_the_variable(env: dict, message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(env)
    text = str(raised.value)
    assert text.startswith(message), text
    assert isinstance(raised.value, ValueError) and "\n" not in text
    assert "validation error" not in text and "pydantic" not in text


def test_every_bad_value_is_said_at_once() -> None:
    with pytest.raises(SettingsError, match="RASA_PORT='x' .* ; WEB_PORT='y' "):
        load_settings({"RASA_PORT": "x", "WEB_PORT": "y"})


def test_a_bad_value_from_the_environment_is_said_the_same_way(monkeypatch) -> None:
    monkeypatch.setenv("ACTION_PORT", "cinq")
    with pytest.raises(SettingsError, match="^ACTION_PORT='cinq' : numéro de port attendu"):
        load_settings()


@pytest.mark.parametrize(
    "name", ["TRACKER_DIALECT", "TRACKER_PORT", "TRACKER_RETENTION_DAYS", "ADMISSION_SLOTS", "MOIS_REFERENCE_DATE"]
)
def test_an_empty_value_means_the_default(name: str) -> None:
    assert load_settings({name: ""}) == load_settings({})


def test_an_empty_catalogue_variable_means_the_default_file(monkeypatch) -> None:
    from bot.runtime.launcher import catalogue_path
    from bot.web.config import load_web_settings

    assert load_settings({"MOIS_CATALOGUE": ""}).catalogue_path == DEFAULT_CATALOGUE_PATH
    assert load_settings({"MOIS_CATALOGUE": "  "}).catalogue_path == DEFAULT_CATALOGUE_PATH
    assert load_settings({"MOIS_CATALOGUE": "/srv/catalogue.yml"}).catalogue_path == Path("/srv/catalogue.yml")
    monkeypatch.setenv("MOIS_CATALOGUE", "")
    assert catalogue_path() == load_web_settings().catalogue_path == DEFAULT_CATALOGUE_PATH  # one rule everywhere


def test_secrets_stay_out_of_the_repr() -> None:
    s = load_settings(
        {
            "RASA_API_TOKEN": "jeton-api",
            "ACTION_SERVER_TOKEN": "jeton-actions",
            "TRACKER_PASSWORD": "mot-de-passe",
            "MODEL_SIGNING_KEY": "cle",
            "AGENTS_WEBHOOK_TOKENS": "jeton-agents-0123456789abcd",
            "REDIS_URL": "redis://:secret@cache:6379/0",
        }
    )
    assert s.rasa_api_token == "jeton-api"
    for secret in ("jeton-api", "jeton-actions", "mot-de-passe", "cle", "jeton-agents", "secret@"):
        assert secret not in repr(s)


def readme_section() -> str:
    text = README.read_text(encoding="utf-8")
    assert SECTION in text, f"README.md : section « {SECTION} » absente"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("|"))


def test_the_readme_table_is_the_one_generated_from_the_settings() -> None:
    assert readme_section() == settings_table_markdown(), (
        "README.md n'est plus à jour : remplacez le tableau de la section « Variables d'environnement » par "
        "la sortie de `python -c 'from bot.runtime.settings import settings_table_markdown as t; print(t())'`"
    )


def test_the_readme_table_lists_exactly_the_fields_with_their_defaults() -> None:
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in readme_section().splitlines()[2:]]
    listed = {row[0].strip("`"): row[1] for row in rows}
    assert listed == {name.upper(): default_text(field) for name, field in Settings.__fields__.items()}
    assert listed["RASA_PORT"] == "`5005`" and listed["MODELS_DIR"] == "`models`"


@pytest.mark.parametrize(
    "command, variable, line",
    [
        ("run", "RASA_PORT", "Impossible de démarrer — RASA_PORT='abc' : numéro de port attendu (1-65535)"),
        ("web", "WEB_PORT", "Impossible de démarrer la page — WEB_PORT='abc' : numéro de port attendu (1-65535)"),
    ],
)
def test_start_up_stops_on_a_bad_value_with_one_french_line(command: str, variable: str, line: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", command],
        cwd=PROJECT_ROOT,
        env=process_environment(**{variable: "abc"}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and not result.stdout.strip()
    assert result.stderr.strip().splitlines() == [line]
