"""The pure parts of `make bench`: percentiles, per-level figures, the issue's bars, the report."""

from __future__ import annotations

import json
import math

import pytest

from bot.tooling.bench import report
from bot.tooling.bench.dialogues import ANCHOR, OURS, Choice, button_payload
from bot.tooling.bench.load import reply_error
from bot.tooling.bench.report import BenchRun, Tuning
from bot.tooling.bench.stats import Exchange, percentile, summarize
from bot.tooling.bench.verdicts import judge


def test_percentiles_interpolate_between_ranks_like_numpy():
    values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert percentile(values, 50) == pytest.approx(55.0)
    assert percentile(values, 95) == pytest.approx(95.5)
    assert percentile(values, 99) == pytest.approx(99.1)
    assert percentile([7.0], 95) == 7.0
    assert percentile(list(reversed(values)), 0) == 10
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError):
        percentile(values, 101)


def test_a_level_counts_only_the_window_and_keeps_failures_apart():
    exchanges = [
        Exchange(0.5, 0.7),  # warm-up: ignored
        Exchange(1.0, 1.1),
        Exchange(1.2, 1.5),
        Exchange(2.0, 2.2),
        Exchange(2.5, 2.6, "http 503"),
        Exchange(3.0, 3.0, "réponse vide"),
        Exchange(3.9, 4.3),  # started in the window, ended after: latency yes, throughput no
        Exchange(4.1, 4.2),  # after the window: ignored
    ]
    f = summarize("ours", 16, exchanges, (1.0, 4.0), rss_mb=512.26, cpu_seconds=0.3)
    assert f.messages == 6 and f.errors == 2
    assert f.error_kinds == {"http 503": 1, "réponse vide": 1}
    assert f.throughput == pytest.approx(1.0)  # 3 good replies ended inside 3 s
    assert f.p50_ms == pytest.approx(250.0)  # latencies 100, 300, 200, 400 ms
    assert f.rss_mb == 512.3 and f.cpu_ms_per_message == pytest.approx(100.0)


def test_a_level_without_any_reply_has_no_latency_rather_than_nan():
    f = summarize("anchor", 1, [Exchange(1.0, 31.0, "délai dépassé")], (0.0, 10.0))
    assert f.p95_ms is None and f.throughput == 0 and f.errors == 1
    json.dumps(report.short(f), allow_nan=False)  # the report stays valid JSON


def _levels(ours_throughput=40.0, anchor_throughput=15.0, p95=300.0, errors=0):
    ours = summarize("ours", 16, [Exchange(1.0, 1.0 + p95 / 1000)], (0.0, 10.0))
    ours.throughput, ours.p95_ms, ours.errors, ours.messages = ours_throughput, p95, errors, 400
    anchor = summarize("anchor", 16, [Exchange(1.0, 1.5)], (0.0, 10.0))
    anchor.throughput = anchor_throughput
    return [ours, anchor]


def test_every_bar_met():
    verdicts = judge(_levels(), [21.0, 23.5], "ours", "anchor")
    assert [v.ok for v in verdicts] == [True, True, True, True]
    assert "× 2.67" in verdicts[0].measured and "23.5 s" in verdicts[3].measured


def test_each_bar_can_fail_on_its_own():
    assert [v.ok for v in judge(_levels(ours_throughput=29.0), [20.0], "ours", "anchor")] == [False, True, True, True]
    assert [v.ok for v in judge(_levels(p95=500.0), [20.0], "ours", "anchor")] == [True, False, True, True]
    assert [v.ok for v in judge(_levels(errors=1), [20.0], "ours", "anchor")] == [True, True, False, True]
    assert [v.ok for v in judge(_levels(), [20.0, 31.0], "ours", "anchor")][3] is False
    assert [v.ok for v in judge(_levels(), [20.0, None], "ours", "anchor")][3] is False  # never answered


def test_bars_not_measured_say_so_instead_of_passing():
    verdicts = judge([], [], "ours", "anchor")
    assert [v.ok for v in verdicts] == [None, None, None, None]
    assert all(v.measured == "non mesuré" for v in verdicts)


def _run() -> BenchRun:
    levels = _levels()
    return BenchRun(
        date="2026-11-27 17:00 UTC",
        machine="2 cœurs",
        rasa_version="3.6.21",
        load_before=(1.0, 2.0, 3.0),
        load_after=(1.5, 2.0, 3.0),
        levels=levels,
        ready_seconds={"ours": 20.0, "anchor": 10.0},
        cold_starts=[21.0, 22.0],
        verdicts=judge(levels, [21.0, 22.0], "ours", "anchor"),
        settings={"TRACKER_SQLITE_WAL": "1"},
        tuning=[
            Tuning(
                "Journal WAL",
                "`TRACKER_SQLITE_WAL=1`",
                {"throughput": 10.0, "p95_ms": 900.0, "errors": 0, "rss_mb": 1500.0},
                {"throughput": 13.0, "p95_ms": 700.0, "errors": 0, "rss_mb": 1500.0},
                True,
                "débit +30 %",
            ),
            Tuning("Schéma compilé", "bot/runtime/action_calls.py", {"text": "53 ms"}, {"text": "0,8 ms"}, True),
        ],
    )


def test_report_in_french_with_verdicts_levels_and_tuning(tmp_path):
    md, js = report.write(_run(), tmp_path)
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# Banc de vitesse du canal REST (`make bench`)")
    assert (
        "| débit à 16 conversations ≥ 2 × celui du bot `rasa init` | 40.0 contre 15.0 msg/s (× 2.67) | ✅ atteint |"
        in text
    )
    assert "| Ce projet | 16 |" in text and "| Bot nu de `rasa init` | 16 |" in text
    assert (
        "| Journal WAL | `TRACKER_SQLITE_WAL=1` | 10.0 msg/s / 900 ms / 0 / 1500 Mo | 13.0 msg/s / 700 ms / 0 / 1500 Mo |"
        in text
    )
    assert "| Schéma compilé | bot/runtime/action_calls.py | 53 ms | 0,8 ms | gardé |" in text
    assert "21.0 s, 22.0 s" in text


def test_report_json_reads_back_the_same_run(tmp_path):
    run = _run()
    _, js = report.write(run, tmp_path)
    again = report.from_json(js.read_text(encoding="utf-8"))
    assert again == run


@pytest.mark.parametrize(
    "status, body, error",
    [
        (200, [{"recipient_id": "a", "text": "Le 19 novembre."}], None),
        (200, [{"recipient_id": "a", "buttons": [{"title": "x", "payload": "/y"}]}], None),
        (200, [], "réponse vide"),
        (200, None, "réponse vide"),
        (503, None, "http 503"),
        (
            200,
            [
                {
                    "text": "Désolé, je ne peux pas répondre pour le moment (service momentanément indisponible). Réessayez."
                }
            ],
            "excuse (serveur d'actions)",
        ),
    ],
)
def test_what_counts_as_an_error(status, body, error):
    assert reply_error(status, body) == error


def test_dialogues_are_scripted_and_buttons_are_clicked_by_title():
    assert len(OURS) >= 5 and len(ANCHOR) >= 3 and all(len(d) >= 3 for d in OURS + ANCHOR)
    reply = [
        {
            "text": "Lequel ?",
            "buttons": [{"title": "Serious game", "payload": "/a"}, {"title": "Passer le cap", "payload": "/b"}],
        }
    ]
    assert button_payload(reply, Choice("Passer le cap")) == "/b"
    assert button_payload(reply, Choice("Absent")) is None
