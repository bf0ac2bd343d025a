"""Paths of the repository's test data (the clone has no ../shared)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
GOLD = Path(__file__).resolve().parent / "data" / "gold"
SEEDS = sorted(SOURCES.glob("*.txt"))


def seed(prefix: str) -> Path:
    """The seed file whose name starts with ``prefix`` (e.g. "003")."""
    (path,) = [p for p in SEEDS if p.name.startswith(prefix)]
    return path
