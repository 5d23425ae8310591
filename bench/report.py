"""Figures, their targets and how a run is printed and saved."""

from __future__ import annotations

import json
import platform
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    """One measured figure at one dataset size. ``passed`` is None when the figure was not
    judged (quick mode skips timings; a figure needing a tool that is absent says so).
    ``known_miss`` explains a missed target that the run accepts (the reason and what it
    would take are in docs/performance.md): the table still says MANQUÉ, the exit status
    does not fail on it, and it fails again as soon as the figure moves."""

    id: str
    name: str
    value: Any
    target: str
    passed: bool | None
    size: int = 0
    detail: dict[str, Any] = field(default_factory=dict)
    known_miss: str = ""


def machine() -> dict[str, Any]:
    def run(*cmd: str) -> str:
        try:
            return subprocess.run(  # noqa: S603 - fixed version commands
                cmd,
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
        except OSError:
            return ""

    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            ln.split(":", 1)[1].strip()
            for ln in cpuinfo.read_text().splitlines()
            if ln.startswith("model name")
        ]
        cpu = f"{len(names)} x {names[0]}" if names else ""
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    return {
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "postgresql": run("psql", "--version"),
        "redis": run("redis-server", "--version"),
        "kernel": platform.release(),
    }


def verdict(figure: Figure) -> str:
    if figure.passed is False and figure.known_miss:
        return "MANQUÉ (connu)"
    return {True: "ok", False: "MANQUÉ", None: "—"}[figure.passed]


def print_table(figures: list[Figure], write: Any = print) -> None:
    rows = [("N", "id", "figure", "valeur", "cible", "verdict")]
    for f in figures:
        rows.append((str(f.size), f.id, f.name, _short(f.value), f.target, verdict(f)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        write("  ".join(cell.ljust(widths[j]) for j, cell in enumerate(row)).rstrip())
        if i == 0:
            write("  ".join("-" * w for w in widths))


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def save(path: Path, figures: list[Figure], meta: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"meta": meta, "figures": [asdict(f) for f in figures]}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")


def markdown(payload: dict[str, Any]) -> str:
    """The run saved by ``save`` as the tables of docs/performance.md: the datasets, then
    every figure with its target and verdict."""
    meta = payload["meta"]
    lines = [
        "| dossiers | candidatures | territoires | utilisateurs | tâches viewflow | "
        "lignes guardian | notifications | préparation (s) |",
        "|" + "---|" * 8,
    ]
    for d in meta.get("datasets", []):
        cells = [
            f"{d[k]:,}".replace(",", " ")
            for k in (
                "dossiers",
                "candidatures",
                "territoires",
                "utilisateurs",
                "tâches viewflow",
                "lignes guardian",
                "notifications",
                "secondes",
            )
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "| N | id | figure | valeur | cible | verdict |", "|---|---|---|---|---|---|"]
    for raw in payload["figures"]:
        f = Figure(**raw)
        value = _short(f.value).replace("|", "/")
        lines.append(f"| {f.size} | {f.id} | {f.name} | {value} | {f.target} | {verdict(f)} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m bench.report bench/results/full-….json
    import sys

    print(markdown(json.loads(Path(sys.argv[1]).read_text())), end="")
