"""Every environment variable of the project, read, typed and checked in this one module.

`load_settings()` reads this process' environment through pydantic's `BaseSettings`;
`load_settings(mapping)` reads the given mapping instead (tests, the environment of a child process).
A field is named after its variable in lower case (RATE_LIMIT_SENDER_PER_MINUTE ->
`settings.rate_limit_sender_per_minute`), has a type, the default of `make run` and a French
description, from which README.md's table is generated (`settings_table_markdown()`). A bad value
raises `SettingsError` (a ValueError): one French sentence naming the variable and what is expected,
never a pydantic traceback. Nothing else in bot/ or actions/ touches `os.environ`
(tests/unit/test_environment_reads.py): the rest receives settings, child processes get
`process_environment()`, and `quiet_defaults()`/`export()` are the only writes.
"""

import datetime as dt
import ipaddress
import os
import re
import secrets
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal, Optional, Union
from urllib.parse import urlsplit

from pydantic import AnyHttpUrl, BaseSettings, Field, ValidationError, confloat, conint, root_validator, validator
from pydantic.fields import ModelField

from bot.domain.catalogue import DEFAULT_CATALOGUE_PATH

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VAR_DIR = PROJECT_ROOT / "var"
DSFR_DIST = PROJECT_ROOT / "node_modules" / "@gouvfr" / "dsfr" / "dist"
DSFR_CHART_PACKAGE = "dsfr-chart"  # @gouvfr/dsfr-chart, beside @gouvfr/dsfr: the console dashboard's charts

API_TOKEN_VARIABLE = "RASA_API_TOKEN"
ACTION_TOKEN_VARIABLE = "ACTION_SERVER_TOKEN"
# Tracker store connection (endpoints.yml reads every one of them: Rasa's ${VAR} has no default value).
# SQLite (default): TRACKER_DB is the file. PostgreSQL: TRACKER_DIALECT=postgresql, TRACKER_HOST, TRACKER_PORT,
# TRACKER_DB (database name), TRACKER_USER and TRACKER_PASSWORD (from the environment only, never a file).
TRACKER_DIALECTS = ("sqlite", "postgresql")
TRACKER_CONNECTION_VARIABLES = ("TRACKER_HOST", "TRACKER_PORT", "TRACKER_USER", "TRACKER_PASSWORD")
DEFAULT_TRUSTED_PROXIES = "127.0.0.1,::1"
# Mattermost's tokens have 26 characters: a shorter one is guessable, refused at start-up.
MIN_AGENTS_TOKEN_CHARS = 20
# What the commands set for the libraries they run, unless the environment says otherwise (bot/runtime/quiet.py).
QUIET_DEFAULTS = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "RASA_TELEMETRY_ENABLED": "false",
}

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
Port = conint(ge=1, le=65535)
Count = conint(ge=0)
Rate = confloat(ge=0, allow_inf_nan=False)

PORT = "numéro de port attendu (1-65535)"
RATE = "nombre positif attendu (0 désactive la limite)"
SECRET = {"repr": False}  # never in a repr or a log line
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-]+(:\d{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\](:\d{1,5})?$", re.IGNORECASE)


class SettingsError(ValueError):
    """An environment variable with an unusable value, said in one French sentence that names it.

    Raised inside a check, its sentence is shown as it is; pydantic's own errors are rewritten as
    « NAME='value' : <attendu of the field> ».
    """


def parse_networks(value: str) -> tuple[Network, ...]:
    """TRUSTED_PROXIES: comma-separated addresses or networks; blanks ignored."""
    networks = []
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise SettingsError(
                f"TRUSTED_PROXIES : « {item} » n'est ni une adresse IP ni un réseau (ex. 10.0.0.0/8)"
            ) from None
    return tuple(networks)


def parse_origins(value: str) -> tuple[str, ...]:
    """WEB_ALLOWED_ORIGINS: comma-separated scheme://host[:port], normalised to lower case."""
    origins = []
    for item in value.split(","):
        item = item.strip().rstrip("/")
        if not item:
            continue
        if not _ORIGIN.match(item):
            raise SettingsError(
                f"WEB_ALLOWED_ORIGINS : « {item} » n'est pas une origine (attendu : https://exemple.gouv.fr[:port], sans chemin)"
            )
        parts = urlsplit(item)
        origins.append(f"{parts.scheme.lower()}://{parts.netloc.lower()}")
    return tuple(origins)


class Settings(BaseSettings):
    """The environment of `make run`; `attendu` is what a bad value is told it should be."""

    # --- servers ---------------------------------------------------------------------------------------
    rasa_host: str = Field("127.0.0.1", description="adresse d'écoute du serveur Rasa")
    rasa_port: Port = Field(5005, description="port du serveur Rasa (REST, socket.io, API)", attendu=PORT)
    rasa_api_token: str = Field(
        "",
        description="jeton de l'API HTTP de Rasa ; vide : généré une fois dans `var/rasa-api-token`",
        **SECRET,
    )
    action_host: str = Field("127.0.0.1", description="adresse d'écoute du serveur d'actions (boucle locale)")
    action_port: Port = Field(5055, description="port du serveur d'actions", attendu=PORT)
    action_server_url: str = Field(
        "",
        description="adresse du serveur d'actions appelée par Rasa (`endpoints.yml`)",
        default_text="`http://ACTION_HOST:ACTION_PORT/webhook`",
    )
    action_server_token: str = Field(
        "",
        description="jeton exigé par le serveur d'actions ; vide : généré une fois dans `var/action-server-token`",
        **SECRET,
    )
    socketio_session_secret: str = Field(
        "",
        description="clé de signature des sessions socket.io (la même pour toutes les instances) ; "
        "vide : générée une fois dans `var/socketio-session-secret`",
        **SECRET,
    )
    # --- model and catalogue ---------------------------------------------------------------------------
    models_dir: Path = Field(PROJECT_ROOT / "models", description="dossier des modèles (le plus récent est servi)")
    model_signing_key: str = Field(
        "",
        description="clé de signature des modèles ; vide : `var/model-signing-key`, créée au premier entraînement",
        **SECRET,
    )
    mois_catalogue: str = Field(
        "",
        description="fichier du catalogue (serveur d'actions, page, contact des excuses) ; vide : `data/catalogue.yml`",
    )
    mois_reference_date: Optional[dt.date] = Field(
        None,
        description="jour de référence des dates relatives (AAAA-MM-JJ, tests et démonstrations) ; vide : aujourd'hui à Paris",
        attendu="date attendue au format AAAA-MM-JJ",
    )
    # --- conversations (tracker store) -----------------------------------------------------------------
    tracker_dialect: Literal["sqlite", "postgresql"] = Field(
        "sqlite",
        description="base des conversations : `sqlite` ou `postgresql`",
        attendu="valeurs possibles sqlite, postgresql",
    )
    tracker_db: str = Field(
        "",
        description="fichier SQLite, ou nom de la base PostgreSQL",
        default_text="`var/tracker.db` (SQLite), `rasa` (PostgreSQL)",
    )
    tracker_host: str = Field("", description="hôte PostgreSQL (exigé avec `TRACKER_DIALECT=postgresql`)")
    tracker_port: Optional[Port] = Field(
        None, description="port PostgreSQL ; vide : celui du pilote (5432)", attendu=PORT
    )
    tracker_user: str = Field("", description="utilisateur PostgreSQL")
    tracker_password: str = Field("", description="mot de passe PostgreSQL (jamais dans un fichier)", **SECRET)
    tracker_sqlite_wal: bool = Field(
        False,
        description="SQLite en journal WAL, sans attente du disque à chaque tour (`make run` met 1)",
        attendu="1 (journal WAL, `make run`) ou 0 (réglages par défaut de SQLite) attendu",
    )
    tracker_retention_days: Count = Field(
        90,
        description="jours de conservation des conversations (0 : sans limite)",
        attendu="nombre de jours entier attendu (0 = conserver sans limite)",
    )
    redis_url: str = Field(
        "",
        description="Redis partagé par les instances (verrous, limites, choix numérotés) ; vide : en mémoire",
        **SECRET,
    )
    # --- channels --------------------------------------------------------------------------------------
    admission_slots: conint(ge=1) = Field(
        8,
        description="messages traités à la fois par un processus Rasa (`make run` met 4)",
        attendu="nombre entier ≥ 1 attendu",
    )
    rate_limit_sender_per_minute: Rate = Field(
        120, description="messages par minute d'une conversation (0 : sans limite)", attendu=RATE
    )
    rate_limit_sender_burst: Count = Field(20, description="rafale permise à une conversation", attendu=RATE)
    rate_limit_ip_per_minute: Rate = Field(
        300, description="messages par minute d'une adresse (0 : sans limite)", attendu=RATE
    )
    rate_limit_ip_burst: Count = Field(60, description="rafale permise à une adresse", attendu=RATE)
    trusted_proxies: str = Field(
        DEFAULT_TRUSTED_PROXIES,
        description="mandataires dont `X-Forwarded-For` est cru (adresses ou réseaux ; vide : aucun)",
    )
    agents_webhook_tokens: str = Field(
        "", description="jetons du canal des agents, séparés par des virgules ; vide : canal fermé (401)", **SECRET
    )
    agents_response_url_hosts: str = Field(
        "",
        description="seuls hôtes (https, port exact) où poster une réponse différée (`response_url`) ; vide : aucune réponse différée",
    )
    # --- citizens' page --------------------------------------------------------------------------------
    web_host: str = Field("127.0.0.1", description="adresse d'écoute de la page citoyenne")
    web_port: Port = Field(8080, description="port de la page citoyenne", attendu=PORT)
    web_allowed_origins: str = Field(
        "",
        description="origines autorisées à appeler `/api/*` et socket.io, séparées par des virgules",
        default_text="`http://localhost:WEB_PORT,http://127.0.0.1:WEB_PORT`",
    )
    web_public_url: str = Field(
        "",
        description="adresse publique de la page citoyenne, pour les liens « Ajouter à mon agenda » envoyés aux agents",
        default_text="`http://localhost:WEB_PORT`",
        attendu="adresse http(s) attendue, par exemple https://innovation.exemple.gouv.fr",
    )
    rasa_url: AnyHttpUrl = Field(
        "http://127.0.0.1:5005",
        description="serveur Rasa de la page (`make run` : `RASA_HOST`/`RASA_PORT`)",
        attendu="adresse http(s) attendue, par exemple http://127.0.0.1:5005",
    )
    web_rasa_timeout: confloat(gt=0, allow_inf_nan=False) = Field(
        30, description="secondes d'attente d'une réponse de Rasa", attendu="nombre de secondes attendu"
    )
    dsfr_dist: Path = Field(DSFR_DIST, description="fichiers du système de design de l'État (`make web-assets`)")
    # --- staff -----------------------------------------------------------------------------------------
    console_host: str = Field("127.0.0.1", description="adresse d'écoute de la console du personnel")
    console_port: Port = Field(8081, description="port de la console du personnel", attendu=PORT)
    console_session_key: str = Field(
        "",
        description="clé de chiffrement des cookies de session de la console ; "
        "vide : générée une fois dans `var/console-session-key`",
        **SECRET,
    )
    console_https: bool = Field(
        False,
        description="la console est servie en https (derrière nginx) : cookies de session « Secure »",
        attendu="oui ou non attendu",
    )
    rasa_urls: str = Field(
        "",
        description="instances Rasa où publier un modèle, séparées par des virgules ; vide : `RASA_HOST:RASA_PORT`",
    )

    class Config:
        allow_mutation = False
        case_sensitive = False

    # --- reading ---------------------------------------------------------------------------------------
    @validator(
        "rasa_api_token",
        "action_server_token",
        "model_signing_key",
        "redis_url",
        "mois_catalogue",
        "web_host",
        "console_host",
        "console_session_key",
        pre=True,
    )
    def _stripped(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @validator(
        "models_dir",
        "mois_reference_date",
        "tracker_dialect",
        "tracker_port",
        "tracker_retention_days",
        "admission_slots",
        "rate_limit_sender_per_minute",
        "rate_limit_sender_burst",
        "rate_limit_ip_per_minute",
        "rate_limit_ip_burst",
        "web_host",
        "console_host",
        "console_port",
        "dsfr_dist",
        pre=True,
    )
    def _empty_means_default(cls, value: Any, field: ModelField) -> Any:
        return field.default if isinstance(value, str) and not value.strip() else value

    @validator("tracker_sqlite_wal", "console_https", pre=True)
    def _french_yes_no(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().lower()
            return {"": False, "oui": True, "non": False}.get(value, value)
        return value

    @validator("rasa_url", pre=True)
    def _without_trailing_slash(cls, value: Any) -> Any:
        return value.strip().rstrip("/") if isinstance(value, str) else value

    @validator("rasa_url")
    def _plain_url(cls, value: Any) -> str:
        return str(value)

    @validator("trusted_proxies")
    def _networks(cls, value: str) -> str:
        parse_networks(value)
        return value

    @validator("web_public_url")
    def _public_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        parts = urlsplit(value)
        if value and (parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment):
            raise ValueError("adresse http(s) attendue")
        return value

    @validator("web_allowed_origins")
    def _origins(cls, value: str) -> str:
        parse_origins(value)
        return value

    @validator("agents_webhook_tokens")
    def _long_agents_tokens(cls, value: str) -> str:
        tokens = [token.strip() for token in value.split(",") if token.strip()]
        short = [str(rank) for rank, token in enumerate(tokens, 1) if len(token) < MIN_AGENTS_TOKEN_CHARS]
        if short:  # the token itself is never shown: it is a secret
            raise SettingsError(
                f"AGENTS_WEBHOOK_TOKENS : jeton n° {', '.join(short)} trop court ({MIN_AGENTS_TOKEN_CHARS} caractères "
                "au moins ; Mattermost en donne 26) : copiez le jeton affiché par Mattermost"
            )
        return value

    @validator("action_server_url", always=True)
    def _action_server_url(cls, value: str, values: dict[str, Any]) -> str:
        if value or "action_port" not in values:
            return value
        return f"http://{values['action_host']}:{values['action_port']}/webhook"

    @validator("tracker_db", always=True)
    def _tracker_db(cls, value: str, values: dict[str, Any]) -> str:
        if value:
            return value
        return str(VAR_DIR / "tracker.db") if values.get("tracker_dialect", "sqlite") == "sqlite" else "rasa"

    @root_validator(skip_on_failure=True)
    def _consistent(cls, values: dict[str, Any]) -> dict[str, Any]:
        dialect = values["tracker_dialect"]
        if dialect != "sqlite" and not values["tracker_host"]:
            raise SettingsError(f"TRACKER_DIALECT={dialect} demande TRACKER_HOST (hôte de la base des conversations)")
        for kind in ("SENDER", "IP"):
            if values[f"rate_limit_{kind.lower()}_per_minute"] > 0 and values[f"rate_limit_{kind.lower()}_burst"] < 1:
                raise SettingsError(
                    f"RATE_LIMIT_{kind}_BURST : 1 au moins (pour couper la limite : RATE_LIMIT_{kind}_PER_MINUTE=0)"
                )
        return values

    # --- derived values ----------------------------------------------------------------------------------
    @property
    def catalogue_path(self) -> Path:
        """MOIS_CATALOGUE, else data/catalogue.yml: the action server, the page and the apologies read the same file."""
        return Path(self.mois_catalogue) if self.mois_catalogue else DEFAULT_CATALOGUE_PATH

    @property
    def dsfr_chart_dist(self) -> Path:
        """The DSFR chart components, installed by the same `npm ci` next to DSFR_DIST."""
        return self.dsfr_dist.parents[1] / DSFR_CHART_PACKAGE / "dist"

    @property
    def trusted_networks(self) -> tuple[Network, ...]:
        return parse_networks(self.trusted_proxies)

    @property
    def allowed_origins(self) -> tuple[str, ...]:
        """WEB_ALLOWED_ORIGINS as given (empty: the page's own origin, bot/web/config.py)."""
        return parse_origins(self.web_allowed_origins)

    @property
    def page_url(self) -> str:
        """Where citizens reach the page: WEB_PUBLIC_URL, else the page `make run` serves on this machine."""
        return self.web_public_url or f"http://localhost:{self.web_port}"

    def is_set(self, name: str) -> bool:
        """Whether the environment gave this field's variable (a field name: `tracker_db`)."""
        return name in self.__fields_set__


class _GivenMapping(Settings):
    """The same settings read from a given mapping only (passed as keyword values), never os.environ."""

    def __repr_name__(self) -> str:
        return "Settings"

    class Config:
        @classmethod
        def customise_sources(cls, init_settings: Any, env_settings: Any, file_secret_settings: Any) -> tuple:
            return (init_settings,)


def load_settings(environ: Optional[Mapping[str, str]] = None) -> Settings:
    """The settings of this process' environment, or of `environ`; SettingsError (French) on a bad value."""
    try:
        if environ is None:
            return Settings()
        given = {name.lower(): value for name, value in environ.items()}
        return _GivenMapping(**{name: given[name] for name in Settings.__fields__ if name in given})
    except ValidationError as error:
        raise _explained(error, os.environ if environ is None else environ) from None


def _wrappers(errors: Iterable[Any]) -> Iterable[Any]:
    for error in errors:
        if isinstance(error, (list, tuple)):
            yield from _wrappers(error)
        else:
            yield error


def _explained(error: ValidationError, environ: Mapping[str, str]) -> SettingsError:
    given = {name.lower(): value for name, value in environ.items()}
    sentences: list[str] = []
    for wrapper in _wrappers(error.raw_errors):
        name = str(wrapper.loc_tuple()[0])
        field = Settings.__fields__.get(name)
        if isinstance(wrapper.exc, SettingsError) or field is None:
            sentence = str(wrapper.exc)
        else:
            expected = field.field_info.extra.get("attendu", "valeur invalide")
            sentence = f"{name.upper()}={given.get(name, '')!r} : {expected}"
        if sentence not in sentences:
            sentences.append(sentence)
    return SettingsError(" ; ".join(sentences))


# --- README.md's table --------------------------------------------------------------------------------------


def default_text(field: ModelField) -> str:
    """A field's default as README.md shows it."""
    if "default_text" in field.field_info.extra:
        return field.field_info.extra["default_text"]
    value = field.default
    if value is None or value == "":
        return "*(vide)*"
    if isinstance(value, bool) or (isinstance(value, float) and value.is_integer()):
        value = int(value)
    elif isinstance(value, Path):
        value = value.relative_to(PROJECT_ROOT).as_posix() if value.is_relative_to(PROJECT_ROOT) else value
    return f"`{value}`"


def settings_table_markdown() -> str:
    """README.md's table of the environment variables: `variable | défaut | rôle`, one line per field."""
    lines = ["| variable | défaut | rôle |", "|---|---|---|"]
    for name, field in Settings.__fields__.items():
        lines.append(f"| `{name.upper()}` | {default_text(field)} | {field.field_info.description} |")
    return "\n".join(lines)


# --- the environment of this process and of its children ---------------------------------------------------


def process_environment(**overrides: str) -> dict[str, str]:
    """A copy of this process' environment (plus `overrides`), to start a child process with."""
    return {**os.environ, **overrides}


def quiet_defaults() -> None:
    """TensorFlow's C++ logs, SQLAlchemy's 2.0 warning and Rasa's telemetry off, unless the environment says otherwise."""
    for name, value in QUIET_DEFAULTS.items():
        os.environ.setdefault(name, value)


def export(variables: Mapping[str, str]) -> None:
    """Put `variables` into this process' environment, for a library that reads it itself (Rasa's endpoints.yml)."""
    os.environ.update(variables)


def tracker_database_url(environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The SQLAlchemy URL of a server tracker store (PostgreSQL), None for the embedded SQLite file."""
    settings = load_settings(environ)
    if settings.tracker_dialect == "sqlite":
        return None
    from sqlalchemy.engine import URL  # installed with Rasa; only the staff tools reading PostgreSQL need it

    return URL.create(
        settings.tracker_dialect,
        username=settings.tracker_user or None,
        password=settings.tracker_password or None,
        host=settings.tracker_host,
        port=settings.tracker_port,
        database=settings.tracker_db,
    ).render_as_string(hide_password=False)


def tracker_environment(settings: Settings, environ: Mapping[str, str]) -> dict[str, str]:
    """The tracker store variables of endpoints.yml, each set (empty when unused) so that Rasa can expand them."""
    env = dict(environ)
    env["TRACKER_DIALECT"] = settings.tracker_dialect
    env["TRACKER_DB"] = settings.tracker_db
    for name in TRACKER_CONNECTION_VARIABLES:
        env.setdefault(name, "")
    return env


def server_environment(settings: Settings, environ: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """Environment for the Rasa and action servers: endpoints.yml reads these variables."""
    env = process_environment() if environ is None else dict(environ)
    env.setdefault("ACTION_SERVER_URL", settings.action_server_url)
    env = tracker_environment(settings, env)
    env["SANIC_HOST"] = settings.action_host  # rasa-sdk binds to this address
    # The action server refuses calls without it; endpoints.yml makes Rasa send it (bot/runtime/action_server.py).
    if not env.get(ACTION_TOKEN_VARIABLE):
        env[ACTION_TOKEN_VARIABLE] = action_server_token(environ=env)
    # Keep TensorFlow's C++ logging out of the console.
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("PYTHONWARNINGS", "ignore")
    # SQLite tracker store in write-ahead-log mode: no disk wait per turn in Rasa's event loop (+30 % messages/s
    # at 16 conversations, reports/bench.md; bot/runtime/stores/sqlite_tuning.py). 0 = SQLite's defaults.
    env.setdefault("TRACKER_SQLITE_WAL", "1")
    # 4 messages processed at once rather than 8: the same throughput on 2 cores with a shorter tail of latency
    # (reports/bench.md, bot/runtime/channels/admission.py).
    env.setdefault("ADMISSION_SLOTS", "4")
    # Sanic's own bound on a request body (its default: 100 MB, read whole before any channel refuses more than
    # 4 KiB); Sanic reads SANIC_* variables itself. The action server sets its own (bot/runtime/action_server.py).
    env.setdefault("SANIC_REQUEST_MAX_SIZE", str(64 * 1024))
    return env


# --- secrets --------------------------------------------------------------------------------------------------


def local_secret(variable: str, path: Path, environ: Optional[Mapping[str, str]] = None) -> str:
    """The secret in `variable`, else one generated once into `path` (mode 600, never printed)."""
    if environ is None:
        token = str(getattr(load_settings(), variable.lower()) or "").strip()
    else:
        token = environ.get(variable, "").strip()
    if token:
        return token
    if path.exists():
        token = path.read_text().strip()
        if token:
            return token
        path.unlink(missing_ok=True)  # an empty file would mean "no secret": make a new one
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    # Created with mode 600 from the start: no moment where another account could read it.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process of the same start-up wrote it first: use theirs
        time.sleep(0.1)
        return path.read_text().strip() or local_secret(variable, path, environ)
    with os.fdopen(descriptor, "w") as file:
        file.write(token)
    return token


def api_token(path: Path = VAR_DIR / "rasa-api-token") -> str:
    """The HTTP API token: RASA_API_TOKEN, else a local secret generated once and kept in var/."""
    return local_secret(API_TOKEN_VARIABLE, path)


def action_server_token(
    path: Path = VAR_DIR / "action-server-token", environ: Optional[Mapping[str, str]] = None
) -> str:
    """The action server's token: ACTION_SERVER_TOKEN, else a local secret generated once and kept in var/."""
    return local_secret(ACTION_TOKEN_VARIABLE, path, environ)
