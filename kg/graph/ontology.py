"""The declared ontology of the knowledge graph: node types, attributes, allowed relations.

Input: nothing (declarations). Output: the pydantic node and edge models, which are the
source of truth, and what is derived from them:

* :data:`NODE_TYPES` (type name -> model) and :data:`RELATIONS` (name -> :class:`RelationSpec`),
  whose ``patterns`` are the allowed ``(head type, relation, tail type)`` triples;
* :func:`check_node`, :func:`check_edge` and :func:`validate_graph`, which raise
  :class:`~kg.errors.OntologyError` for anything outside the ontology;
* :func:`node_attributes` / :func:`edge_attributes`: the typed attribute table every
  exporter uses (GraphML key types, CSV headers, read-back conversion);
* the generated files ``schemas/ontology.json`` (:func:`ontology_data`) and
  ``schemas/graph.schema.json`` (:func:`graph_json_schema`, the node-link JSON export),
  written by :func:`write_graph_schemas` (``python -m kg.graph.ontology schemas``).

An attribute name has one type across all node types (and one across all relations),
so that GraphML and CSV columns are typed once. ``None`` means "not known".

>>> check_edge("Region", "adopts", "Mechanism").name
'adopts'
>>> check_edge("Region", "has_item", "Duty")
Traceback (most recent call last):
...
kg.errors.OntologyError: [E040] Region -has_item-> Duty is not in the ontology; has_item allows DutyFormula -> Duty
>>> node_attributes("Statistic")["value"].kind
'float'
"""

from __future__ import annotations

import inspect
import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Iterable, Literal, Mapping, Optional, Union, get_args, get_origin

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from kg.errors import OntologyError
from kg.graph.model import MergeRecord
from kg.models import Provenance

ONTOLOGY_VERSION = 1
NODE_LINK_FORMAT = "kg-node-link"

RegionLevel = Literal["province", "city", "county"]
DutyRole = Literal["lead", "support"]


# --------------------------------------------------------------------------- nodes
class NodeBase(BaseModel):
    """Attributes every node has."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(description="Node type (a key of the ontology's node_types)")
    label: str = Field(min_length=1, description="Display name: the canonical or most-written form")
    aliases: list[str] = Field(description="Other written forms merged into this node, sorted")
    docs: list[str] = Field(description="Ids of the documents behind this node, sorted")
    count: int = Field(ge=0, description="Number of supporting mentions (entries in the evidence table)")


class DocumentNode(NodeBase):
    """A source document (id ``Document:<document id>``)."""

    type: Literal["Document"]
    file: str = Field(description="File name relative to the sources directory")
    title: Optional[str] = Field(description="Title a correction or the manifest states, else the one found in the text")
    date: Optional[str] = Field(description="Publication date or year, as YYYY-MM-DD or YYYY")
    region: Optional[str] = Field(description="Name of the document's own region")


class RegionNode(NodeBase):
    """A province, city or county; anonymised ones (X市) are scoped to their document."""

    type: Literal["Region"]
    level: Optional[RegionLevel] = Field(description="province | city | county")
    adcode: Optional[str] = Field(description="Administrative division code, where known")
    anonymized: bool = Field(description="True for X市 / XX省: never merged with another region")
    province: Optional[str] = Field(description="Name of the province a city or county lies in")


class OfficialNode(NodeBase):
    """A named office-holder (one node per name across documents)."""

    type: Literal["Official"]
    titles: list[str] = Field(description="Post titles, in order of first appearance")


class OrganizationNode(NodeBase):
    """A body with an emergency-management role; full name, region-prefixed where region-bound."""

    type: Literal["Organization"]
    kind: Optional[str] = Field(description="emergency | ministry | headquarters | committee | office | sector | actor | partner")
    region: Optional[str] = Field(description="Name of the region the body belongs to, if region-bound")


class MechanismNode(NodeBase):
    """A named mechanism, system, institution, platform, project or pattern (机制/体系/制度/平台/工程/格局)."""

    type: Literal["Mechanism"]
    head: Optional[str] = Field(description="Head word: 机制, 体系, 制度, 平台, 工程 or 格局")


class DutyFormulaNode(NodeBase):
    """A quoted duty formula (综合防、协同抗、主导救、统筹助), id from its items joined by 、."""

    type: Literal["DutyFormula"]
    items: list[str] = Field(description="Duties in text order")
    holders: list[str] = Field(description="Holders as written (相关部门, 应急管理部门), sorted")
    size: int = Field(ge=1, description="Number of items")


class DutyNode(NodeBase):
    """One item of a duty formula (综合防): a role in one phase of 防/抗/救/助."""

    type: Literal["Duty"]
    phase: Optional[str] = Field(description="Phase character shared with its counterpart (防, 抗, 救, 助)")
    role: Optional[DutyRole] = Field(description="lead (emergency department) or support (sector departments), from duty pairs")


class PrinciplePairNode(NodeBase):
    """A relation a text asks to balance (防与救, 统与分); id ``PrinciplePair:<a>与<b>``."""

    type: Literal["PrinciplePair"]
    a: str = Field(description="First pole")
    b: str = Field(description="Second pole")


class PrincipleNode(NodeBase):
    """One pole of a principle pair (防, 救, 统, 分)."""

    type: Literal["Principle"]


class NumberedFormulaNode(NodeBase):
    """A quoted slogan led by a numeral that counts its parts (两个至上, 四化三体系双基)."""

    type: Literal["NumberedFormula"]
    parts: Optional[int] = Field(description="Value of the leading numeral, where it counts parts")
    expansion: list[str] = Field(description="The parts, where the text spells them out")


class StatisticNode(NodeBase):
    """A stated quantity about one region (its id includes the region)."""

    type: Literal["Statistic"]
    subject: str = Field(description="What is counted or measured")
    value: Optional[float] = Field(description="The number (null for a direction-only claim)")
    unit: Optional[str] = Field(description="Measure word as written (%, 起, 万人次, 个月)")
    direction: Optional[str] = Field(description="下降 | 上升 | 减少 | 增长 …")
    baseline: Optional[str] = Field(description="同比, 近五年均值 …")
    normalized_value: Optional[float] = Field(description="The value in base units (12.3万人 -> 123000)")
    normalized_unit: Optional[str] = Field(description="The base unit (人, 元, %, 亩), without 万/亿 and 余/多")
    region: Optional[str] = Field(description="Name of the region it is about")


class EventNode(NodeBase):
    """A named disaster or incident (台风利奇马, 松原5.1级地震)."""

    type: Literal["Event"]
    event_type: Optional[str] = Field(description="Type word from the text: 台风, 地震, 爆炸, 坍塌, 林火, 疫情")


NODE_MODELS: tuple[type[NodeBase], ...] = (
    DocumentNode, RegionNode, OfficialNode, OrganizationNode, MechanismNode, DutyFormulaNode,
    DutyNode, PrinciplePairNode, PrincipleNode, NumberedFormulaNode, StatisticNode, EventNode,
)
NODE_TYPES: dict[str, type[NodeBase]] = {get_args(m.model_fields["type"].annotation)[0]: m for m in NODE_MODELS}


# --------------------------------------------------------------------------- edges
class EdgeBase(BaseModel):
    """Attributes every edge has (its key in the MultiDiGraph is its relation)."""

    model_config = ConfigDict(extra="forbid")

    relation: str = Field(description="Relation name (a key of the ontology's relations)")
    docs: list[str] = Field(description="Ids of the documents behind this edge, sorted")
    count: int = Field(ge=0, description="Number of supporting mentions (entries in the evidence table)")


class PositionEdge(EdgeBase):
    position: int = Field(ge=1, description="1-based position of the tail in the head (item order, pole order)")


class PairEdge(EdgeBase):
    phase: Optional[str] = Field(description="Shared phase character of a duty pair (null between formulas)")


class PostEdge(EdgeBase):
    titles: list[str] = Field(description="Titles of the post in that body, in order of first appearance")


@dataclass(frozen=True)
class RelationSpec:
    name: str
    description: str
    patterns: tuple[tuple[str, str], ...]  # (head type, tail type)
    model: type[EdgeBase] = EdgeBase

    @property
    def heads(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(h for h, _ in self.patterns))


# A document's statements belong to its region; when the region is unknown, to the document itself.
_SUBJECTS = ("Region", "Document")


def _from_subject(tail: str) -> tuple[tuple[str, str], ...]:
    return tuple((h, tail) for h in _SUBJECTS)


_RELATION_LIST = (
    RelationSpec("about", "The document's own region", (("Document", "Region"),)),
    RelationSpec("mentions", "The document mentions the entity",
                 tuple(("Document", t) for t in NODE_TYPES if t != "Document")),
    RelationSpec("part_of", "A city or county lies in this province", (("Region", "Region"),)),
    RelationSpec("located_in", "A region-bound body belongs to this region (from its region-prefixed name)",
                 (("Organization", "Region"),)),
    RelationSpec("holds_post_in", "An official holds a post in this body", (("Official", "Organization"),), PostEdge),
    RelationSpec("adopts", "The region builds, runs or improves this mechanism", _from_subject("Mechanism")),
    RelationSpec("states", "The region's text states this duty formula", _from_subject("DutyFormula")),
    RelationSpec("has_item", "A duty formula lists this duty", (("DutyFormula", "Duty"),), PositionEdge),
    RelationSpec("paired_with", "Lead duty (or formula) -> its support counterpart in the same phases",
                 (("Duty", "Duty"), ("DutyFormula", "DutyFormula")), PairEdge),
    RelationSpec("balances", "The region's text asks to balance this principle pair", _from_subject("PrinciplePair")),
    RelationSpec("has_pole", "A principle pair has this pole", (("PrinciplePair", "Principle"),), PositionEdge),
    RelationSpec("cites", "The region's text cites this numbered formula", _from_subject("NumberedFormula")),
    RelationSpec("reports", "The region's text reports this statistic", _from_subject("Statistic")),
    RelationSpec("experienced", "The region's text names this disaster or incident", _from_subject("Event")),
)
RELATIONS: dict[str, RelationSpec] = {r.name: r for r in _RELATION_LIST}
PATTERNS: frozenset[tuple[str, str, str]] = frozenset((h, r.name, t) for r in _RELATION_LIST for h, t in r.patterns)


# --------------------------------------------------------------------------- attribute table
@dataclass(frozen=True)
class AttrSpec:
    """One attribute: its name, kind (str|int|float|bool|list), whether it may be None."""

    name: str
    kind: str
    optional: bool
    choices: tuple[str, ...] = ()
    description: str = ""


def _attr_spec(name: str, annotation: Any, description: str) -> AttrSpec:
    optional = False
    if get_origin(annotation) is Union:
        args = [a for a in get_args(annotation) if a is not type(None)]
        optional = len(args) < len(get_args(annotation))
        (annotation,) = args
    choices: tuple[str, ...] = ()
    if get_origin(annotation) is Literal:
        choices = tuple(get_args(annotation))
        annotation = type(choices[0])
    if get_origin(annotation) is list:
        kind = "list"
    else:
        kind = {str: "str", int: "int", float: "float", bool: "bool"}[annotation]
    return AttrSpec(name, kind, optional, choices, description or "")


@lru_cache(maxsize=None)
def _model_attributes(model: type[BaseModel]) -> dict[str, AttrSpec]:
    # a subclass narrowing ``type``/``relation`` to a Literal keeps the base field's description
    base = {**NodeBase.model_fields, **EdgeBase.model_fields}
    return {
        n: _attr_spec(n, f.annotation, f.description or (base[n].description if n in base else "") or "")
        for n, f in model.model_fields.items()
    }


def node_attributes(node_type: str) -> dict[str, AttrSpec]:
    """Attributes of ``node_type`` in declaration order (raises OntologyError if unknown)."""
    return _model_attributes(_node_model(node_type))


def edge_attributes(relation: str) -> dict[str, AttrSpec]:
    """Attributes of edges of ``relation`` in declaration order."""
    return _model_attributes(_relation(relation).model)


def _union(tables: Iterable[dict[str, AttrSpec]], what: str) -> dict[str, AttrSpec]:
    out: dict[str, AttrSpec] = {}
    for table in tables:
        for name, spec in table.items():
            seen = out.get(name)
            if seen is not None and seen.kind != spec.kind:
                raise OntologyError(f"{what} attribute {name!r} is declared as {seen.kind} and as {spec.kind}")
            if seen is None or (spec.optional and not seen.optional):
                out[name] = spec
    return out


@lru_cache(maxsize=1)
def all_node_attributes() -> dict[str, AttrSpec]:
    """Every node attribute name with its one kind across node types."""
    return _union((node_attributes(t) for t in NODE_TYPES), "node")


@lru_cache(maxsize=1)
def all_edge_attributes() -> dict[str, AttrSpec]:
    """Every edge attribute name with its one kind across relations."""
    return _union((edge_attributes(r) for r in RELATIONS), "edge")


# --------------------------------------------------------------------------- checks
def _node_model(node_type: Any) -> type[NodeBase]:
    model = NODE_TYPES.get(node_type) if isinstance(node_type, str) else None
    if model is None:
        raise OntologyError(f"unknown node type {node_type!r}; known: {', '.join(NODE_TYPES)}")
    return model


def _relation(relation: Any) -> RelationSpec:
    spec = RELATIONS.get(relation) if isinstance(relation, str) else None
    if spec is None:
        raise OntologyError(f"unknown relation {relation!r}; known: {', '.join(RELATIONS)}")
    return spec


def node_type_of(node: str) -> str:
    """The type part of a node id.

    >>> node_type_of("Mechanism:双重预防机制")
    'Mechanism'
    """
    return node.split(":", 1)[0]


def _first_error(err: ValidationError) -> str:
    e = err.errors()[0]
    where = ".".join(str(p) for p in e["loc"]) or "value"
    return f"{where}: {e['msg']} (got {e.get('input')!r})"


def check_node(node: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    """Validated attributes of ``node`` (model field order); OntologyError if they do not fit."""
    model = _node_model(attrs.get("type"))
    if node_type_of(node) != attrs["type"]:
        raise OntologyError(f"node {node!r}: id must start with {attrs['type'] + ':'!r}")
    try:
        return model.model_validate(dict(attrs)).model_dump()
    except ValidationError as e:
        raise OntologyError(f"node {node!r}: {_first_error(e)}") from None


_PYTHON_TYPES = {"str": str, "float": float, "bool": bool}


def check_types(element: str, attrs: Mapping[str, Any], specs: Mapping[str, AttrSpec]) -> None:
    """Fast, non-coercing check that ``attrs`` holds exactly ``specs``' attributes, each of its kind.

    The builder uses it on the attribute dicts it assembles itself (pydantic validation of
    every element would cost more than the rest of the build); readers use :func:`check_node`.
    """
    if attrs.keys() != specs.keys():
        raise OntologyError(f"{element}: attributes {sorted(set(attrs) ^ set(specs))} do not fit the ontology")
    for name, spec in specs.items():
        value = attrs[name]
        if value is None:
            ok = spec.optional
        elif spec.kind == "list":
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        elif spec.kind == "int":
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok = isinstance(value, _PYTHON_TYPES[spec.kind]) and (not spec.choices or value in spec.choices)
        if not ok:
            raise OntologyError(f"{element}: {name} = {value!r} is not a valid {spec.kind}")


def check_edge(head_type: str, relation: str, tail_type: str) -> RelationSpec:
    """The relation's spec if ``head_type -relation-> tail_type`` is allowed, else OntologyError."""
    spec = _relation(relation)
    if (head_type, relation, tail_type) not in PATTERNS:
        allowed = ", ".join(f"{h} -> {t}" for h, t in spec.patterns)
        raise OntologyError(f"{head_type} -{relation}-> {tail_type} is not in the ontology; {relation} allows {allowed}")
    return spec


def check_edge_attrs(head: str, relation: str, tail: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    """Validated attributes of one edge (pattern checked on the id types)."""
    spec = check_edge(node_type_of(head), relation, node_type_of(tail))
    if attrs.get("relation") != relation:
        raise OntologyError(f"edge {head} -{relation}-> {tail}: relation attribute is {attrs.get('relation')!r}")
    try:
        return spec.model.model_validate(dict(attrs)).model_dump()
    except ValidationError as e:
        raise OntologyError(f"edge {head} -{relation}-> {tail}: {_first_error(e)}") from None


def validate_graph(graph: nx.MultiDiGraph) -> None:
    """Raise OntologyError on the first node or edge (in sorted order) outside the ontology."""
    for node in sorted(graph.nodes):
        attrs = graph.nodes[node]
        if attrs.get("type") != node_type_of(node):
            raise OntologyError(f"node {node!r}: type attribute {attrs.get('type')!r} does not match its id")
        check_node(node, attrs)
    for head, tail, key, attrs in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1])):
        if key != attrs.get("relation"):
            raise OntologyError(f"edge {head} -{key}-> {tail}: key must equal the relation {attrs.get('relation')!r}")
        check_edge_attrs(head, key, tail, attrs)


# --------------------------------------------------------------------------- ontology.json
def _describe(model: type[BaseModel]) -> str:
    return inspect.cleandoc(model.__doc__ or "").split("\n\n")[0]


def _spec_data(spec: AttrSpec) -> dict[str, Any]:
    kind = "list[str]" if spec.kind == "list" else spec.kind
    out: dict[str, Any] = {"type": kind, "optional": spec.optional, "description": spec.description}
    if spec.choices:
        out["choices"] = list(spec.choices)
    return out


def ontology_data() -> dict[str, Any]:
    """The ontology as plain data (what ``schemas/ontology.json`` holds)."""
    return {
        "$comment": "Generated from the pydantic models in kg/graph/ontology.py; do not edit by hand.",
        "version": ONTOLOGY_VERSION,
        "node_types": {
            t: {"description": _describe(m), "attributes": {n: _spec_data(s) for n, s in node_attributes(t).items()}}
            for t, m in NODE_TYPES.items()
        },
        "relations": {
            r.name: {
                "description": r.description,
                "patterns": [[h, t] for h, t in r.patterns],
                "attributes": {n: _spec_data(s) for n, s in edge_attributes(r.name).items()},
            }
            for r in _RELATION_LIST
        },
        "patterns": [list(p) for p in sorted(PATTERNS)],
    }


# --------------------------------------------------------------------------- node-link JSON shape
class DocumentInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file: str
    title: Optional[str]
    date: Optional[str]
    region: Optional[str]


class GraphInfo(BaseModel):
    """Graph-level data of the node-link export: documents and entity-resolution decisions."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["kg-node-link"]
    version: Literal[1]
    documents: dict[str, DocumentInfo]
    merges: list[MergeRecord]


PROV_ID_PATTERN = r"^.+#(0|[1-9][0-9]*)$"


def _id_pattern(types: Iterable[str]) -> str:
    return "^(?:" + "|".join(dict.fromkeys(types)) + "):"


@lru_cache(maxsize=1)
def _node_records() -> tuple[type[BaseModel], ...]:
    return tuple(
        create_model(
            f"{t}Record", __base__=m, __doc__=_describe(m),
            id=(str, Field(pattern=_id_pattern([t]), description="Node id: <Type>:<canonical name>")),
            evidence=(list[Annotated[str, Field(pattern=PROV_ID_PATTERN)]],
                      Field(description="Ids (in the top-level provenance list) of every mention behind the node")),
        )
        for t, m in NODE_TYPES.items()
    )


@lru_cache(maxsize=1)
def _edge_records() -> tuple[type[BaseModel], ...]:
    records = []
    for r in _RELATION_LIST:
        camel = "".join(w.capitalize() for w in r.name.split("_"))
        for head in r.heads:
            tails = [t for h, t in r.patterns if h == head]
            records.append(create_model(
                f"{camel}From{head}Edge", __base__=r.model, __doc__=r.description,
                relation=(Literal[r.name], ...),  # type: ignore[valid-type]
                key=(Literal[r.name], Field(description="Edge key in the MultiDiGraph (== relation)")),  # type: ignore[valid-type]
                source=(str, Field(pattern=_id_pattern([head]))),
                target=(str, Field(pattern=_id_pattern(tails))),
                evidence=(list[Annotated[str, Field(pattern=PROV_ID_PATTERN)]],
                          Field(description="Ids (in the top-level provenance list) of every mention behind the edge")),
            ))
    return tuple(records)


class ProvenanceRecord(Provenance):
    """One mention (document, rule, offsets, quote, its sentence's id), listed once and cited by id."""

    id: str = Field(pattern=PROV_ID_PATTERN,
                    description="<doc id>#<n>: the mention's position among its document's mentions "
                                "(what evidence lists cite; stable when other documents change)")
    sentence_id: Optional[str] = Field(None, description="The sentence's id in the store (kg.sqlite, table "
                                                         "sentences): <doc id>#<start>-<end>")
    sentence: Optional[str] = Field(None, description="The normalised sentence containing the span (only with "
                                                      "--inline-evidence; else in the store)")
    sentence_quote: Optional[str] = Field(None, description="That sentence as written in the original text (only "
                                                            "with --inline-evidence; else in the store)")


@lru_cache(maxsize=1)
def node_link_model() -> type[BaseModel]:
    """Pydantic model of the whole node-link JSON export (validates what :mod:`kg.export.nodelink` reads)."""
    node = Annotated[Union[_node_records()], Field(discriminator="type")]  # type: ignore[valid-type]
    edge = Union[_edge_records()]  # type: ignore[valid-type]
    return create_model(
        "NodeLinkGraph", __config__=ConfigDict(extra="forbid"),
        __doc__="A kg knowledge graph in networkx node-link form; every node and edge cites its evidence.",
        directed=(Literal[True], ...), multigraph=(Literal[True], ...), graph=(GraphInfo, ...),
        nodes=(list[node], ...), edges=(list[edge], ...),
        provenance=(list[ProvenanceRecord], Field(description="Every distinct mention, in document and offset order")),
    )


def graph_json_schema() -> dict[str, Any]:
    """JSON Schema of the node-link export (what ``schemas/graph.schema.json`` holds)."""
    schema = node_link_model().model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "kg node-link graph"
    return schema


# --------------------------------------------------------------------------- files
SCHEMA_FILES = ("ontology.json", "graph.schema.json")


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def render_graph_schemas() -> dict[str, str]:
    """File name -> text of the graph's generated schema files (deterministic)."""
    return {"ontology.json": _dump(ontology_data()), "graph.schema.json": _dump(graph_json_schema())}


def write_graph_schemas(directory: str | Path) -> list[Path]:
    """Write ``ontology.json`` and ``graph.schema.json`` into ``directory`` (atomically)."""
    from kg.io.atomic import atomic_write_text

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_graph_schemas().items():
        atomic_write_text(directory / name, text)
        written.append(directory / name)
    return written


if __name__ == "__main__":  # pragma: no cover
    for p in write_graph_schemas(sys.argv[1] if len(sys.argv) > 1 else "schemas"):
        print(p)
