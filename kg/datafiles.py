"""One loader for the sectioned word lists in ``kg/data/*.txt``.

Format (every file): ``#`` starts a comment (a whole line or the rest of one), a line
``[section]`` opens a section, every other non-blank line is one entry of the section
open above it. Entries are kept in file order (callers sort them where order matters).
An entry may be a pair written ``left = right`` (:func:`pairs`).

>>> sorted(sections("variants.txt"))[:1]
['variants']
>>> dict(pairs("variants.txt", "variants"))["陜"]
'陕'
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path


@lru_cache(maxsize=None)
def sections(resource: str) -> dict[str, tuple[str, ...]]:
    """``section -> entries`` of ``kg/data/<resource>`` (read once per process)."""
    path = resources.files("kg") / "data" / resource
    return parse_sections(path.read_text(encoding="utf-8"), f"kg/data/{resource}")


def read_sections(path) -> dict[str, tuple[str, ...]]:
    """``section -> entries`` of a word list at ``path`` (one that replaces a packaged list)."""
    return parse_sections(Path(path).read_text(encoding="utf-8"), str(path))


def parse_sections(text: str, name: str) -> dict[str, tuple[str, ...]]:
    """``section -> entries`` of the text of a sectioned file; ``name`` names it in errors."""
    out: dict[str, list[str]] = {}
    current = None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = out.setdefault(line[1:-1].strip(), [])
        elif current is None:
            raise ValueError(f"{name}:{n}: an entry before any [section]: {line!r}")
        elif line not in current:
            current.append(line)
    return {k: tuple(v) for k, v in out.items()}


def entries(resource: str, section: str) -> tuple[str, ...]:
    """The entries of one section (KeyError names the file and the section when it is missing)."""
    try:
        return sections(resource)[section]
    except KeyError:
        raise KeyError(f"kg/data/{resource} has no [{section}] section") from None


def pairs(resource: str, section: str) -> tuple[tuple[str, str], ...]:
    """The ``left = right`` entries of one section as ``(left, right)``."""
    out = []
    for e in entries(resource, section):
        left, sep, right = e.partition("=")
        if not sep or not left.strip() or not right.strip():
            raise ValueError(f"kg/data/{resource} [{section}]: expected 'left = right', got {e!r}")
        out.append((left.strip(), right.strip()))
    return tuple(out)


def clear_cache() -> None:
    """Forget what was read (tests that edit a data file call this, then rebuild their tables)."""
    sections.cache_clear()
