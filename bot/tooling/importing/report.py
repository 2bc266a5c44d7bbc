"""The French report of an import: what was created, updated, dropped and matched, and what was not kept.

The same content is printed in the terminal (plain text) and, with --rapport, written as Markdown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.tooling.importing.matching import Resolution


@dataclass
class Report:
    source: str
    source_kind: str  # « iCalendar » or « OpenAgenda »
    target: str = ""
    mode: str = ""
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    untouched: int = 0
    organisers: list[Resolution] = field(default_factory=list)
    topics: list[Resolution] = field(default_factory=list)
    not_kept: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    yaml_writer: str = ""

    def render(self, markdown: bool = False) -> str:
        lines = [
            f"# Import {self.source_kind} : {self.source}" if markdown else f"Import {self.source_kind} : {self.source}"
        ]
        lines += ["", f"{self.mode} → {self.target}"]
        if self.yaml_writer:
            lines.append(self.yaml_writer)

        def section(title: str, items: list[str], empty: str = "aucun") -> None:
            lines.extend(["", f"## {title} ({len(items)})" if markdown else f"{title} ({len(items)}) :"])
            lines.extend(f"- {item}" if markdown else f"  - {item}" for item in items or [empty])

        section("Événements créés", self.created)
        section("Événements mis à jour", self.updated)
        section("Événements écartés", self.dropped)
        if self.untouched:
            lines.extend(["", f"{self.untouched} événement(s) du catalogue absents du fichier, gardés tels quels."])
        for title, resolutions in (("Organisateurs", self.organisers), ("Thèmes", self.topics)):
            section(f"{title} reconnus", [_matched(r) for r in resolutions if not r.created])
            section(f"{title} créés", [f"{r.id} : « {r.source_name} »" for r in resolutions if r.created])
        section(
            "Champs de la source non repris",
            [f"{name} ({count} événement{'s' if count > 1 else ''})" for name, count in sorted(self.not_kept.items())],
        )
        if self.notes:
            section("Remarques", self.notes)
        return "\n".join(lines) + "\n"


def _matched(resolution: Resolution) -> str:
    return f"« {resolution.source_name} » → {resolution.id} (« {resolution.matched_name} », score {resolution.score:g})"
