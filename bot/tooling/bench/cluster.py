"""`make bench-cluster`: 10,000 messages across 200 conversations through nginx into the 2-instance cluster,
then PostgreSQL is checked: every message stored exactly once, in order, with the bot's reply after it.

Writes reports/cluster.md and reports/cluster.json (French). Rate limits are switched off: the load comes
from one address and measures the cluster, not the protection (docs/securite.md).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import statistics
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import requests

from bot.runtime.launcher import StartupError
from bot.runtime.settings import PROJECT_ROOT, process_environment
from bot.tooling.deploy.cluster import Cluster, Ports

REPORTS = PROJECT_ROOT / "reports"
REST = "/webhooks/rest/webhook"
RATE_LIMITS_OFF = {"RATE_LIMIT_IP_PER_MINUTE": "0", "RATE_LIMIT_SENDER_PER_MINUTE": "0"}
# Realistic turns, follow-ups included: they need the stored context, whichever instance answers.
SCRIPT = [
    "bonjour",
    "Parle-moi du serious game",
    "qui l'anime ?",
    "et c'est quand ?",
    "Qui organise le mind mapping ?",
    "et les communs ?",
    "c'est quand les ateliers du SGAR ?",
    "Comment renouveler mon passeport ?",
    "tu es un robot ?",
    "merci",
]


@dataclass
class Load:
    conversations: int
    messages_per_conversation: int
    concurrency: int
    sent: dict[str, list[str]] = field(default_factory=dict)  # sender -> texts answered 200, in order
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return self.conversations * self.messages_per_conversation


def run_load(url: str, load: Load, run_id: str) -> None:
    """Each worker takes whole conversations: the messages of one conversation follow one another,
    as a person types; `concurrency` conversations are in progress at any time."""
    todo: queue.Queue[str] = queue.Queue()
    for index in range(load.conversations):
        sender = f"bench-{run_id}-{index:03d}"
        load.sent[sender] = []
        todo.put(sender)
    lock = threading.Lock()

    def worker() -> None:
        session = requests.Session()
        while True:
            try:
                sender = todo.get_nowait()
            except queue.Empty:
                return
            for number in range(load.messages_per_conversation):
                text = SCRIPT[number % len(SCRIPT)]
                started = time.perf_counter()
                try:
                    response = session.post(url + REST, json={"sender": sender, "message": text}, timeout=120)
                    outcome = "ok" if response.status_code == 200 else f"HTTP {response.status_code}"
                except requests.RequestException as exc:
                    outcome = type(exc).__name__
                elapsed = time.perf_counter() - started
                with lock:
                    if outcome == "ok":
                        load.sent[sender].append(text)
                        load.latencies.append(elapsed)
                    else:
                        load.errors[outcome] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(load.concurrency)]
    for thread in threads:
        thread.start()
    shown = 0
    while any(thread.is_alive() for thread in threads):
        time.sleep(0.2)
        with lock:
            now = len(load.latencies) + sum(load.errors.values())
        if now >= shown + 1000:
            print(f"  {now}/{load.total} messages ({time.perf_counter() - started:.0f} s)", flush=True)
            shown = now
    load.seconds = time.perf_counter() - started


def check_database(cluster: Cluster, load: Load) -> dict:
    """What PostgreSQL holds for the benchmark's conversations, against what was answered 200."""
    import psycopg2

    # The REST channel stores each conversation in its namespace: "rest:<sender>" (bot/runtime/channels/pipeline.py).
    stored_ids = [f"rest:{sender}" for sender in load.sent]
    connection = psycopg2.connect(**cluster.database_connection())
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sender_id, type_name, data FROM events WHERE sender_id = ANY(%s) ORDER BY id",
                (stored_ids,),
            )
            rows = cursor.fetchall()
            cursor.execute(
                "SELECT count(*) FROM (SELECT 1 FROM events WHERE sender_id = ANY(%s) "
                "GROUP BY sender_id, timestamp, type_name, data HAVING count(*) > 1) AS twice",
                (stored_ids,),
            )
            duplicated_rows = cursor.fetchone()[0]
    finally:
        connection.close()
    stored: dict[str, list[str]] = {sender: [] for sender in load.sent}
    replies: dict[str, list[int]] = {sender: [] for sender in load.sent}
    for stored_id, kind, data in rows:
        sender = stored_id.removeprefix("rest:")
        if kind == "user":
            stored[sender].append(json.loads(data).get("text"))
            replies[sender].append(0)
        elif kind == "bot" and replies[sender]:
            replies[sender][-1] += 1
    expected = sum(len(texts) for texts in load.sent.values())
    found = sum(len(texts) for texts in stored.values())
    return {
        "événements_user_attendus": expected,
        "événements_user_trouvés": found,
        "conversations_différentes": sum(1 for s in load.sent if stored[s] != load.sent[s]),
        "messages_perdus": sum(max(0, len(load.sent[s]) - len(stored[s])) for s in load.sent),
        "messages_en_trop": sum(max(0, len(stored[s]) - len(load.sent[s])) for s in load.sent),
        "lignes_dupliquées": duplicated_rows,
        "tours_sans_réponse": sum(1 for s in replies for count in replies[s] if count == 0),
        "événements_total": len(rows),
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot bench-cluster", description="Banc d'essai du cluster.")
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--messages", type=int, default=50, help="messages par conversation (défaut 50)")
    parser.add_argument("--concurrency", type=int, default=24, help="conversations simultanées (défaut 24)")
    parser.add_argument("--no-report", action="store_true", help="n'écrit pas reports/cluster.*")
    args = parser.parse_args(argv)
    load = Load(args.conversations, args.messages, args.concurrency)
    root = Path(tempfile.mkdtemp(prefix="cluster-bench-", dir="/tmp"))
    root.chmod(0o755)
    env = process_environment(**RATE_LIMITS_OFF, TF_CPP_MIN_LOG_LEVEL="3", TQDM_DISABLE="1", PYTHONWARNINGS="ignore")
    cluster = Cluster(root=root, ports=Ports.free(2, 2), base_env=env, log=lambda line: print(line, flush=True))
    load_before = load_average()
    print(
        f"Démarrage du cluster (2 instances Rasa, 2 serveurs d'actions, PostgreSQL, Redis, nginx) dans {root}",
        flush=True,
    )
    started = time.perf_counter()
    try:
        cluster.start()
        startup = time.perf_counter() - started
        print(
            f"Prêt en {startup:.0f} s. {load.total} messages, {load.conversations} conversations, "
            f"{load.concurrency} simultanées, via nginx {cluster.public_url}",
            flush=True,
        )
        run_load(cluster.public_url, load, datetime.now().strftime("%H%M%S"))
        load_during = load_average()
        database = check_database(cluster, load)
    except StartupError as exc:
        print(f"Impossible de démarrer le cluster — {exc}")
        return 2
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
    figures = summarise(load, database, startup, load_before, load_during)
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if not args.no_report:
        REPORTS.mkdir(exist_ok=True)
        (REPORTS / "cluster.json").write_text(
            json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        (REPORTS / "cluster.md").write_text(markdown(figures), encoding="utf-8")
        print("Rapport : reports/cluster.md, reports/cluster.json")
    intact = (
        database["messages_perdus"] == database["messages_en_trop"] == database["lignes_dupliquées"] == 0
        and database["conversations_différentes"] == 0
    )
    return 0 if intact and not load.errors else 1


def summarise(load: Load, database: dict, startup: float, load_before: str, load_during: str) -> dict:
    answered = len(load.latencies)
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {"coeurs": os.cpu_count(), "charge_avant": load_before, "charge_fin_de_charge": load_during},
        "topologie": "nginx → 2 instances Rasa (PostgreSQL partagé, verrous Redis) → nginx → 2 serveurs d'actions",
        "démarrage_s": round(startup, 1),
        "conversations": load.conversations,
        "messages_par_conversation": load.messages_per_conversation,
        "simultanées": load.concurrency,
        "messages_envoyés": load.total,
        "réponses_200": answered,
        "erreurs": dict(load.errors),
        "durée_s": round(load.seconds, 1),
        "débit_messages_par_s": round(answered / load.seconds, 2) if load.seconds else 0.0,
        "latence_ms": {
            "médiane": round(1000 * statistics.median(load.latencies)) if answered else None,
            "p90": round(1000 * percentile(load.latencies, 0.90)),
            "p99": round(1000 * percentile(load.latencies, 0.99)),
            "max": round(1000 * max(load.latencies, default=0.0)),
        },
        "postgresql": database,
    }


def markdown(f: dict) -> str:
    db, lat = f["postgresql"], f["latence_ms"]
    errors = ", ".join(f"{k} : {v}" for k, v in f["erreurs"].items()) or "aucune"
    verdict = (
        "aucun événement perdu ni dupliqué"
        if db["messages_perdus"]
        == db["messages_en_trop"]
        == db["lignes_dupliquées"]
        == db["conversations_différentes"]
        == 0
        else "ÉCART entre messages envoyés et événements enregistrés"
    )
    return f"""# Banc d'essai du cluster (`make bench-cluster`)

Mesuré le {f["date"]} sur cette machine ({f["machine"]["coeurs"]} cœurs partagés ; charge `uptime` avant :
{f["machine"]["charge_avant"]}, en fin de charge : {f["machine"]["charge_fin_de_charge"]}).

Topologie, toute sur la boucle locale : {f["topologie"]}. Limites de débit coupées (une seule adresse
envoie toute la charge). Démarrage de l'ensemble : {f["démarrage_s"]} s.

## Charge

| | |
|---|---|
| Conversations × messages | {f["conversations"]} × {f["messages_par_conversation"]} = {f["messages_envoyés"]} |
| Conversations simultanées | {f["simultanées"]} (les messages d'une conversation se suivent) |
| Réponses 200 | {f["réponses_200"]} |
| Erreurs | {errors} |
| Durée | {f["durée_s"]} s |
| Débit | {f["débit_messages_par_s"]} messages/s |
| Latence (médiane / p90 / p99 / max) | {lat["médiane"]} / {lat["p90"]} / {lat["p99"]} / {lat["max"]} ms |

## Contrôle dans PostgreSQL (table `events`)

Verdict : **{verdict}**.

| | |
|---|---|
| Événements `user` attendus (réponses 200) | {db["événements_user_attendus"]} |
| Événements `user` trouvés | {db["événements_user_trouvés"]} |
| Messages perdus / en trop | {db["messages_perdus"]} / {db["messages_en_trop"]} |
| Lignes dupliquées (même expéditeur, horodatage, type, contenu) | {db["lignes_dupliquées"]} |
| Conversations dont la suite des messages diffère de l'envoi | {db["conversations_différentes"]} |
| Tours sans réponse du bot enregistrée | {db["tours_sans_réponse"]} |
| Événements enregistrés au total | {db["événements_total"]} |

Chaque message est envoyé à nginx, qui alterne les deux instances : des messages consécutifs d'une même
conversation sont donc traités par des instances différentes, le contexte venant de PostgreSQL.
"""
