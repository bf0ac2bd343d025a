"""How node types and relations look: colour, vis-network shape, legend swatch.

Input: a node type or relation name (str). Output: :class:`NodeStyle` / an edge colour.
Types outside the table (a later ontology may add some) get a stable colour from a
hash of their name, never from iteration order, so pages stay byte-identical.

>>> node_style("Region").shape
'hexagon'
>>> node_style("SomeNewType") == node_style("SomeNewType")
True
>>> edge_colour("adopts")
'#e07b1a'
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class NodeStyle:
    colour: str  # fill
    border: str  # outline, darker than the fill
    shape: str  # a vis-network shape whose label sits below it


# Order is the display order of legends and of the sectors in grouped layouts.
_TYPES: dict[str, NodeStyle] = {
    "Region": NodeStyle("#e15759", "#9c2b2d", "hexagon"),
    "Document": NodeStyle("#a0a0a0", "#5f5f5f", "square"),
    "Official": NodeStyle("#4e79a7", "#2a4a70", "triangle"),
    "Organization": NodeStyle("#76b7b2", "#3f7b76", "dot"),
    "Mechanism": NodeStyle("#f28e2b", "#a85a0c", "diamond"),
    "DutyFormula": NodeStyle("#59a14f", "#2f6a28", "star"),
    "Duty": NodeStyle("#a8dc9d", "#4f8f44", "dot"),
    "PrinciplePair": NodeStyle("#b07aa1", "#734a67", "star"),
    "Principle": NodeStyle("#e2bcd8", "#8f5d82", "dot"),
    "NumberedFormula": NodeStyle("#edc948", "#9a7f12", "square"),
    "Statistic": NodeStyle("#9c755f", "#5f4434", "triangleDown"),
    "Event": NodeStyle("#ff9da7", "#b85561", "triangle"),
}

TYPE_ORDER: tuple[str, ...] = tuple(_TYPES)

# Colour-blind-safe fallbacks for types the table does not know.
_FALLBACK = ("#17becf", "#bcbd22", "#7f7f7f", "#8c564b", "#1f77b4", "#9467bd")

_RELATIONS: dict[str, str] = {  # the relations of schemas/ontology.json
    "about": "#6b6b6b",
    "adopts": "#e07b1a",
    "states": "#2f7ebc",
    "has_item": "#59a14f",
    "paired_with": "#b8336a",
    "has_pole": "#8f5d82",
    "balances": "#c39bd3",
    "cites": "#c9a227",
    "reports": "#7a5b48",
    "experienced": "#e8737f",
    "holds_post_in": "#17a2b8",
    "located_in": "#c0504d",
    "part_of": "#d98c8a",
    "mentions": "#cfcfcf",
}
_EDGE_DEFAULT = "#9a9a9a"


def _stable_index(name: str, n: int) -> int:
    return int(hashlib.sha1(name.encode("utf-8")).hexdigest()[:8], 16) % n


def node_style(node_type: str) -> NodeStyle:
    """Style of ``node_type``; unknown types get a hashed fallback colour and a dot."""
    style = _TYPES.get(node_type)
    if style is not None:
        return style
    colour = _FALLBACK[_stable_index(node_type, len(_FALLBACK))]
    return NodeStyle(colour, "#404040", "dot")


def type_rank(node_type: str) -> tuple[int, str]:
    """Sort key putting known types in :data:`TYPE_ORDER`, unknown ones after, by name."""
    try:
        return (TYPE_ORDER.index(node_type), node_type)
    except ValueError:
        return (len(TYPE_ORDER), node_type)


def edge_colour(relation: str) -> str:
    return _RELATIONS.get(relation, _EDGE_DEFAULT)


# Legend swatches drawn as inline SVG in a 16x16 box, matching vis-network's shapes.
_SWATCH = {
    "dot": '<circle cx="8" cy="8" r="6"/>',
    "square": '<rect x="2" y="2" width="12" height="12"/>',
    "diamond": '<polygon points="8,1 15,8 8,15 1,8"/>',
    "triangle": '<polygon points="8,2 15,14 1,14"/>',
    "triangleDown": '<polygon points="1,2 15,2 8,14"/>',
    "hexagon": '<polygon points="4,2 12,2 15,8 12,14 4,14 1,8"/>',
    "star": '<polygon points="8,1 10,6 15,6 11,9 13,15 8,11 3,15 5,9 1,6 6,6"/>',
}


def swatch_svg(style: NodeStyle) -> str:
    """Inline SVG markup of a legend swatch (built from this module's constants only)."""
    shape = _SWATCH.get(style.shape, _SWATCH["dot"])
    return (
        f'<svg class="sw" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">'
        f'<g fill="{style.colour}" stroke="{style.border}" stroke-width="1.2">{shape}</g></svg>'
    )
