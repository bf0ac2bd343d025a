"""Node positions computed in Python, so pages open with physics off and no layout work.

Input: node ids grouped and ordered by the caller. Output: ``dict[node id, (x, y)]``
in vis-network canvas pixels, rounded to integers so the same input always gives the
same bytes. Nothing here is random: positions depend only on the order of the input.

* :func:`sector_layout` puts a hub in the middle and each group in a wedge of
  concentric rings (a region view: the region, then officials, organisations, ...).
* :func:`cluster_layout` places several such wedge-discs: one in the middle (nodes
  shared by several regions), the others on a circle around it (one per region).
* :func:`rows_layout` puts nodes in rows, each near a wanted x (the duty view's phases).

>>> pos, radius = sector_layout([["a", "b"], ["c"]], hub="h")
>>> pos["h"]
(0, 0)
>>> sorted(pos) == ["a", "b", "c", "h"]
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Point = tuple[int, int]

SPACING = 130.0  # distance between neighbours on a ring: room for a short Chinese label
RING_GAP = 80.0  # distance between rings: a node plus its label below it
CLUSTER_GAP = 160.0


def _pt(x: float, y: float) -> Point:
    # round() of a float is exact and platform-independent for these magnitudes.
    return (int(round(x)), int(round(y)))


def sector_layout(
    groups: Sequence[Sequence[str]],
    *,
    hub: str | None = None,
    center: tuple[float, float] = (0.0, 0.0),
    spacing: float = SPACING,
    ring_gap: float = RING_GAP,
) -> tuple[dict[str, Point], float]:
    """Hub in the centre, the other nodes on as few concentric rings as hold them;
    each group gets a wedge proportional to its size, filled evenly on every ring.

    Returns the positions and the radius of the disc they occupy.
    """
    cx, cy = center
    groups = [list(g) for g in groups if g]
    total = sum(len(g) for g in groups)
    pos: dict[str, Point] = {}
    if hub is not None:
        pos[hub] = _pt(cx, cy)
    if total == 0:
        return pos, ring_gap / 2
    if total == 1 and hub is None:
        pos[groups[0][0]] = _pt(cx, cy)
        return pos, ring_gap / 2
    r0 = ring_gap * 1.5 if hub is not None else ring_gap
    radii, capacity = [], 0

    def demand() -> int:
        # A group smaller than the number of rings still needs a whole slot on the
        # ring it lands on: it weighs as much as one node per ring.
        return sum(max(len(g), len(radii)) for g in groups)

    while not radii or capacity < demand():
        radii.append(r0 + len(radii) * ring_gap)
        capacity += max(1, int(2 * math.pi * radii[-1] / spacing))
    weight = demand()
    # Share of each group's nodes that each ring takes, proportional to its circumference.
    shares = [r / sum(radii) for r in radii]
    cumulative = [sum(shares[: k + 1]) for k in range(len(radii))]
    start = -math.pi / 2  # the first group starts at twelve o'clock
    for group in groups:
        theta = 2 * math.pi * max(len(group), len(radii)) / weight
        placed, before = 0, 0
        for k, radius in enumerate(radii):
            upto = len(group) if k == len(radii) - 1 else int(round(cumulative[k] * len(group)))
            take, before = upto - before, upto
            for j in range(take):
                angle = start + theta * (j + 0.5) / take
                pos[group[placed + j]] = _pt(cx + radius * math.cos(angle), cy + radius * math.sin(angle))
            placed += take
        start += theta
    return pos, radii[-1] + ring_gap / 2


def cluster_layout(
    middle: tuple[str | None, Sequence[Sequence[str]]] | None,
    around: Sequence[tuple[str | None, Sequence[Sequence[str]]]],
    *,
    spacing: float = SPACING,
    ring_gap: float = RING_GAP,
    gap: float = CLUSTER_GAP,
) -> dict[str, Point]:
    """Wedge-discs (hub, groups): ``middle`` at the origin, ``around`` on a circle.

    Each disc's share of the circle is proportional to its diameter, so discs of very
    different sizes do not overlap.

    >>> pos = cluster_layout(None, [("r1", [["a"]]), ("r2", [["b"]])])
    >>> pos["r1"][0] < 0 < pos["r2"][0] or pos["r2"][0] < 0 < pos["r1"][0]
    True
    """
    discs = [sector_layout(groups, hub=hub, spacing=spacing, ring_gap=ring_gap) for hub, groups in around]
    inner_pos, inner_r = ({}, 0.0)
    if middle is not None:
        inner_pos, inner_r = sector_layout(middle[1], hub=middle[0], spacing=spacing, ring_gap=ring_gap)
    out: dict[str, Point] = dict(inner_pos)
    if not discs:
        return out
    if len(discs) == 1 and middle is None:
        out.update(discs[0][0])
        return out
    widths = [2 * r + gap for _, r in discs]
    circle = max(sum(widths) / (2 * math.pi), inner_r + gap + max(r for _, r in discs) if middle else 0.0)
    angle = -math.pi / 2
    for (pos, _), width in zip(discs, widths):
        share = 2 * math.pi * width / sum(widths)
        mid = angle + share / 2
        dx, dy = circle * math.cos(mid), circle * math.sin(mid)
        for n, (x, y) in pos.items():
            out[n] = _pt(x + dx, y + dy)
        angle += share
    return out


def rows_layout(
    rows: Sequence[Sequence[tuple[str, float]]],
    *,
    row_height: float = 100.0,
    min_gap: float = 140.0,
) -> dict[str, Point]:
    """Rows of nodes, each as near its wanted x as a gap of ``min_gap`` allows.

    ``rows[k]`` lists ``(node, wanted x)``; row ``k`` is drawn at ``y = k * row_height``.
    Nodes keep the order of their wanted x (ties: the order given) and the spacing is
    resolved by least squares (pool adjacent violators), so a crowded cell spreads
    evenly around where it wanted to be.

    >>> rows_layout([[("a", 0.0)], [("b", 100.0), ("c", 100.0)]], min_gap=60)
    {'a': (0, 0), 'b': (70, 100), 'c': (130, 100)}
    """
    out: dict[str, Point] = {}
    for k, row in enumerate(rows):
        order = sorted(range(len(row)), key=lambda i: (row[i][1], i))
        blocks: list[list] = []  # [start x, [(node, wanted x), ...]]
        for i in order:
            blocks.append([row[i][1], [row[i]]])
            while len(blocks) > 1 and blocks[-2][0] + len(blocks[-2][1]) * min_gap > blocks[-1][0]:
                items = blocks[-2][1] + blocks[-1][1]
                start = sum(x - j * min_gap for j, (_, x) in enumerate(items)) / len(items)
                blocks[-2:] = [[start, items]]
        for start, items in blocks:
            for j, (n, _) in enumerate(items):
                out[n] = _pt(start + j * min_gap, k * row_height)
    return out
