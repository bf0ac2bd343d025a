"""The corrections file (``sources/corrections.toml``): read it whole or not at all, and append to it.

A person's corrections of the graph, kept beside the sources so that every build applies
them again (:mod:`kg.graph.corrections` does). One TOML table per entry, its kind the
table's name; each entry may say why in ``note``::

    [[reject]]                       # a node, everywhere or (doc = ...) in one document
    node = "Mechanism:工作机制"
    note = "a generic phrase, not a mechanism"

    [[reject]]                       # an edge
    edge = ["Region:湖南省", "adopts", "Mechanism:工作机制"]

    [[merge]]                        # nodes of one type into the first; label optional
    nodes = ["Organization:应急厅", "Organization:湖南省应急管理厅"]
    label = "湖南省应急管理厅"

    [[split]]                        # undo a resolution merge: mentions written `alias` get their own node
    node = "Organization:吉林省应急管理厅"
    alias = "省应急管理厅"

    [[relabel]]
    node = "Official:李大剑"
    label = "李大剑（厅长）"

    [[alias]]
    node = "Mechanism:双重预防机制"
    alias = "双预防机制"

    [[region]]                       # also [[title]] (title = ...) and [[date]] (date = YYYY or YYYY-MM-DD)
    doc = "001_dee7a70e350022e0"
    region = "X市"

    [[add]]                          # an item the extractors missed, cited by a quote of that document
    doc = "003_a2fb39e97b117999"
    type = "Mechanism"
    name = "领导干部包保责任制"
    quote = "全面建立领导干部包保责任制"

:func:`read_corrections` raises :class:`~kg.errors.CorrectionsError` naming the file and
the line on anything malformed, so a build stops before any work rather than build with
half the corrections. :func:`append_entry` adds one entry at the end, keeping everything
already there (comments included), and writes the file atomically, only if the result
still parses.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Iterator, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator, model_validator

from kg.errors import CorrectionsError
from kg.io.manifest import CORRECTIONS_NAME


_NODE_ID = r"^[A-Za-z]+:\S.*$"
NodeId = Annotated[str, Field(pattern=_NODE_ID, description="A node id, <Type>:<canonical name> (as in nodes.csv)")]
_Text = Annotated[str, Field(min_length=1)]
#: the node types an ``add`` entry can create, and how (kg.graph.corrections makes the item)
ADD_TYPES = ("Mechanism", "Organization", "Official", "NumberedFormula", "Event", "PrinciplePair")


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    line: int = Field(0, description="Line of the entry's [[kind]] header in the file (set when read)")
    note: Optional[str] = Field(None, description="Why the correction was made")

    def content(self) -> dict:
        """What the entry says, without where it stands in the file."""
        return {k: v for k, v in self.model_dump(exclude={"line"}, exclude_none=True).items() if v != []}

    def node_ids(self) -> list[str]:
        """The node ids the entry names."""
        out = [getattr(self, "node", None), *(getattr(self, "nodes", None) or ())]
        edge = getattr(self, "edge", None)
        if edge:
            out += [edge[0], edge[2]]
        return [n for n in out if n]

    def describe(self) -> str:
        """One stable line naming the correction (the quote of its ``curated`` provenance)."""
        data = self.content()
        op = data.pop("op")
        note = data.pop("note", None)
        parts = [op] + [f"{k}={_show(v)}" for k, v in data.items()]
        return " ".join(parts) + (f" ({note})" if note else "")


def _show(value: Any) -> str:
    return "|".join(value) if isinstance(value, (list, tuple)) else str(value)


def _type_of(node: str) -> str:
    return node.split(":", 1)[0]


class Reject(_Entry):
    """Drop a node (with its edges) or one edge; with ``doc``, only what that document says."""

    op: Literal["reject"] = "reject"
    node: Optional[NodeId] = None
    edge: Optional[tuple[NodeId, _Text, NodeId]] = Field(None, description="[head id, relation, tail id]")
    doc: Optional[_Text] = Field(None, description="Only in this document (its id)")

    @model_validator(mode="after")
    def _one_target(self) -> "Reject":
        if (self.node is None) == (self.edge is None):
            raise ValueError("give either node or edge")
        if self.node is not None and _type_of(self.node) == "Document":
            raise ValueError("a document is not rejected: remove its file from the sources")
        return self


class Merge(_Entry):
    """Make several nodes of one type one node: the first's id, ``label`` or the usual vote as its label."""

    op: Literal["merge"] = "merge"
    nodes: list[NodeId] = Field(min_length=2)
    label: Optional[_Text] = None

    @field_validator("nodes")
    @classmethod
    def _one_type(cls, nodes: list[str]) -> list[str]:
        if len(set(nodes)) != len(nodes):
            raise ValueError("a node is listed twice")
        types = sorted({_type_of(n) for n in nodes})
        if len(types) > 1:
            raise ValueError(f"nodes of different types cannot be merged ({', '.join(types)})")
        if types == ["Document"]:
            raise ValueError("documents cannot be merged")
        return nodes


class Split(_Entry):
    """Undo entity resolution for one written form: mentions written ``alias`` that resolved
    to ``node`` become their own node ``<Type>:<alias>``."""

    op: Literal["split"] = "split"
    node: NodeId
    alias: _Text

    @model_validator(mode="after")
    def _differs(self) -> "Split":
        if self.node.split(":", 1)[1] == self.alias:
            raise ValueError("the alias is the node's own name: nothing to split")
        return self


class Relabel(_Entry):
    op: Literal["relabel"] = "relabel"
    node: NodeId
    label: _Text


class Alias(_Entry):
    op: Literal["alias"] = "alias"
    node: NodeId
    alias: _Text


class SetRegion(_Entry):
    """A document's own region (wins over the manifest's and over the one found in the text)."""

    op: Literal["region"] = "region"
    doc: _Text
    region: _Text


class SetTitle(_Entry):
    op: Literal["title"] = "title"
    doc: _Text
    title: _Text


class SetDate(_Entry):
    op: Literal["date"] = "date"
    doc: _Text
    date: Annotated[str, Field(pattern=r"^\d{4}(-\d{2}-\d{2})?$", description="YYYY or YYYY-MM-DD")]


class Add(_Entry):
    """An item the extractors missed, as a mention of ``doc`` at the first place ``quote``
    occurs in its (normalised) text."""

    op: Literal["add"] = "add"
    doc: _Text
    type: Literal[ADD_TYPES]  # type: ignore[valid-type]
    name: _Text = Field(description="The item's name; for a PrinciplePair its two poles joined by 与 (防与救)")
    quote: _Text = Field(description="Words of the document that state the item, as written")
    kind: Optional[str] = Field(None, description="Organization: its kind (default actor)")
    titles: list[str] = Field(default_factory=list, description="Official: posts held")
    org: Optional[str] = Field(None, description="Official: the body of the post")
    event_type: Optional[str] = Field(None, description="Event: its type (台风, 洪涝 ...)")

    @model_validator(mode="after")
    def _pair(self) -> "Add":
        if self.type == "PrinciplePair" and len([p for p in self.name.split("与") if p]) != 2:
            raise ValueError("a PrinciplePair's name is its two poles joined by 与, e.g. 防与救")
        return self


Entry = Annotated[Union[Reject, Merge, Split, Relabel, Alias, SetRegion, SetTitle, SetDate, Add],
                  Field(discriminator="op")]
KINDS = ("reject", "merge", "split", "relabel", "alias", "region", "title", "date", "add")
_ENTRY = TypeAdapter(Entry)


class Corrections(BaseModel):
    """Every entry of a corrections file, in file order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: Optional[str] = Field(None, description="The file read (None: there is none)")
    entries: list[Entry] = Field(default_factory=list)

    def digest(self) -> str:
        """Hash of what the entries say, in order (not of where they stand: a comment added above
        changes nothing built)."""
        text = json.dumps([e.content() for e in self.entries], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16] if self.entries else ""

    def __bool__(self) -> bool:
        return bool(self.entries)


# --------------------------------------------------------------------------- reading
_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*([A-Za-z0-9_\-\"' ]+?)[ \t]*\]\][ \t]*(?:#.*)?$")
_TABLE = re.compile(r"^[ \t]*\[[ \t]*([A-Za-z0-9_\-\"' .]+?)[ \t]*\][ \t]*(?:#.*)?$")
_KEY = re.compile(r"^[ \t]*([A-Za-z0-9_\-]+)[ \t]*=")
_TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")


def _lines_of(text: str) -> tuple[dict[str, list[int]], dict[str, int]]:
    """Line of every ``[[kind]]`` header by kind, and of the first top-level key or ``[table]`` by name."""
    headers: dict[str, list[int]] = {}
    first: dict[str, int] = {}
    top = True
    for n, line in enumerate(text.splitlines(), 1):
        m = _HEADER.match(line)
        if m:
            name = m.group(1).strip("\"' ")
            headers.setdefault(name, []).append(n)
            first.setdefault(name, n)
            top = False
            continue
        m = _TABLE.match(line)
        if m:
            first.setdefault(m.group(1).strip("\"' ").split(".")[0], n)
            top = False
            continue
        m = _KEY.match(line)
        if m and top:
            first.setdefault(m.group(1), n)
    return headers, first


def _problem(err: ValidationError) -> str:
    e = err.errors()[0]
    loc = e["loc"][1:] if e["loc"] and e["loc"][0] in KINDS else e["loc"]  # the union's tag first
    where = ".".join(str(x) for x in loc)
    msg = e["msg"].removeprefix("Value error, ")
    if e["type"] == "extra_forbidden":
        return f"unknown field {where!r}"
    if e["type"] == "missing":
        return f"{where} is missing"
    if e["type"] == "string_pattern_mismatch":
        if where.startswith("date"):
            return "write a date as YYYY or YYYY-MM-DD"
        return f"{where}: not a node id (<Type>:<name>, e.g. Mechanism:双重预防机制)"
    return f"{where}: {msg}" if where else msg


def _check_types(entry: _Entry, path: str | Path) -> None:
    from kg.graph.ontology import NODE_TYPES

    for node in entry.node_ids():
        if _type_of(node) not in NODE_TYPES:
            raise CorrectionsError(path, f"{entry.op}: {node!r} has no node type of the ontology "  # type: ignore[attr-defined]
                                         f"(types: {', '.join(NODE_TYPES)})", entry.line)


def parse_corrections(text: str, path: str | Path = CORRECTIONS_NAME) -> Corrections:
    """The entries of a corrections file's ``text`` (raises CorrectionsError naming ``path`` and the line)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = _TOML_LINE.search(str(e))
        raise CorrectionsError(path, f"is not valid TOML: {_TOML_LINE.sub('', str(e)).strip()}",
                               int(m.group(1)) if m else None) from None
    headers, first = _lines_of(text)
    entries: list[tuple[int, Any]] = []
    for kind, value in data.items():
        line = first.get(kind)
        if kind not in KINDS:
            raise CorrectionsError(path, f"unknown kind of correction {kind!r} (kinds: {', '.join(KINDS)})", line)
        lines = headers.get(kind, [])
        if not isinstance(value, list) or len(lines) != len(value) or not all(isinstance(v, dict) for v in value):
            raise CorrectionsError(path, f"write each {kind} correction as a table of its own, under a [[{kind}]] "
                                         "line", line)
        for n, item in zip(lines, value):
            if "op" in item or "line" in item:
                raise CorrectionsError(path, f"unknown field {'op' if 'op' in item else 'line'!r}", n)
            try:
                entries.append((n, _ENTRY.validate_python({**item, "op": kind, "line": n})))
            except ValidationError as e:
                raise CorrectionsError(path, f"{kind}: {_problem(e)}", n) from None
            _check_types(entries[-1][1], path)
    return Corrections(path=str(path), entries=[e for _, e in sorted(entries, key=lambda x: x[0])])


def corrections_path(sources: str | Path) -> Path:
    return Path(sources) / CORRECTIONS_NAME


def read_corrections(sources: str | Path) -> Corrections:
    """The corrections of a sources directory (none when it has no corrections file)."""
    path = corrections_path(sources)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Corrections()
    except IsADirectoryError:
        raise CorrectionsError(path, "is a directory, not a file") from None
    except OSError as e:
        raise CorrectionsError(path, f"cannot be read: {e.strerror or e}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise CorrectionsError(path, f"is not UTF-8 (bad byte at offset {e.start})", line) from None
    return parse_corrections(text, path)


# --------------------------------------------------------------------------- writing
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string.

    >>> toml_string('预警"叫应"机制\\n')
    '"预警\\\\"叫应\\\\"机制\\\\n"'
    """
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return toml_string(str(value))


def render_entry(entry: _Entry) -> str:
    """The entry as a ``[[kind]]`` table (fields in the model's order, empty ones left out)."""
    data = entry.content()
    kind = data.pop("op")
    if "note" in data:
        data["note"] = data.pop("note")  # last: what the entry does comes first
    lines = [f"[[{kind}]]"] + [f"{k} = {_toml_value(v)}" for k, v in data.items() if v not in ([], ())]
    return "\n".join(lines) + "\n"


def append_entry(sources: str | Path, entry: _Entry) -> _Entry:
    """Append ``entry`` to the sources' corrections file (made if missing), atomically, keeping
    everything already there; returns the entry as read back (with its line). Raises
    CorrectionsError if the file as it is does not parse (it is then left untouched)."""
    path = corrections_path(sources)
    if not Path(sources).is_dir():
        raise CorrectionsError(path, f"cannot be written: {sources} is not a directory")
    with _locked(Path(sources)):
        return _append(sources, path, entry)


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``directory`` (two appends at once must not lose one); best effort."""
    try:
        import fcntl

        fd = os.open(directory, os.O_RDONLY)
    except (ImportError, OSError):
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            pass
        yield
    finally:
        os.close(fd)  # (releases the lock)


def _append(sources: str | Path, path: Path, entry: _Entry) -> _Entry:
    from kg.io.atomic import atomic_write_text

    try:
        old = path.read_bytes().decode("utf-8-sig") if path.exists() else ""
    except (OSError, UnicodeDecodeError):
        read_corrections(sources)  # raises, naming the problem
        raise
    parse_corrections(old, path)  # never append to a file the build would refuse
    sep = "" if not old else ("\n" if old.endswith("\n") else "\n\n")
    text = old + sep + render_entry(entry)
    parsed = parse_corrections(text, path)
    try:
        atomic_write_text(path, text)
    except OSError as e:
        raise CorrectionsError(path, f"cannot be written: {e.strerror or e}") from None
    return parsed.entries[-1]  # the last line's


# --------------------------------------------------------------------------- schema
def file_schema() -> dict:
    """JSON Schema of a corrections file as TOML parses it (one array of tables per kind)."""
    models = {m.model_fields["op"].default: m for m in (Reject, Merge, Split, Relabel, Alias, SetRegion, SetTitle,
                                                         SetDate, Add)}
    defs: dict[str, Any] = {}
    props = {}
    for kind, model in models.items():
        schema = model.model_json_schema(ref_template="#/$defs/{model}")
        for name, sub in schema.pop("$defs", {}).items():
            defs[name] = sub
        for name in ("op", "line"):
            schema["properties"].pop(name, None)
        defs[model.__name__] = schema
        props[kind] = {"type": "array", "items": {"$ref": f"#/$defs/{model.__name__}"},
                       "description": f"[[{kind}]] tables: {(model.__doc__ or kind).split(chr(10))[0].strip()}"}
    return {"title": "corrections", "description": "sources/corrections.toml: a person's corrections of the graph",
            "type": "object", "additionalProperties": False, "properties": props, "$defs": defs}
