"""Score document summaries against gold annotations: precision, recall and F1 per field.

Strings are compared after normalisation (pinyin readings stripped, simplified
characters, quotes unified, spaces removed). Matching keys per field:

============================  ==============================================
field                         an item matches when
============================  ==============================================
title, date, region           equal (region by name)
officials                     same name
organizations, mechanisms     same name (strict); one contains the other (lenient)
duty_formulas                 same holder and items
duty_pairs                    same phase, lead and support
principle_pairs               same a and b
numbered_formulas             same name
statistics                    same value and unit (value-less claims: same subject and direction)
events                        same name
============================  ==============================================

Scores are micro-averaged over documents (true positives, false positives and
false negatives summed), and each field keeps its misses and extras for reading.

>>> s = score_sets(["双重预防机制", "预警“叫应”机制"], ['预警"叫应"机制', "灾害事故复盘机制"])
>>> (s.tp, s.fp, s.fn)
(1, 1, 1)
>>> score_sets(["应急管理厅"], ["湖南省应急管理厅"], lenient=True).tp
1
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from kg.errors import GoldError
from kg.text.chinese import to_simplified_edits
from kg.text.offsets import TextBuffer
from kg.text.pinyin import strip_pinyin_edits

FIELDS = ("title", "date", "region", "officials", "organizations", "mechanisms", "duty_formulas",
          "duty_pairs", "principle_pairs", "numbered_formulas", "statistics", "events")
LENIENT_FIELDS = ("organizations", "mechanisms")
# Quotes count as the same (the guideline), and so do full-width and ASCII marks: normalisation
# unifies "," beside Han to "，", while gold keeps the mark as the page prints it.
_QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "＂": '"', "‘": "'", "’": "'", "『": "'", "』": "'",
                         "，": ",", "！": "!", "：": ":", "；": ";", "？": "?", "（": "(", "）": ")"})
_SPACE = re.compile(r"\s+")


def norm(s: Any) -> Any:
    """Normalise a string for comparison (other values pass through).

    >>> norm(" 預警「叫應」機制 ")
    '预警"叫应"机制'
    """
    if not isinstance(s, str):
        return s
    buf = TextBuffer(s)
    buf = buf.replace(strip_pinyin_edits(buf.text)) if "(" in s or "（" in s else buf
    edits = to_simplified_edits(buf.text)
    text = buf.replace(edits).text if edits else buf.text
    return _SPACE.sub("", text.translate(_QUOTES))


@dataclass
class FieldScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "FieldScore") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.missed += other.missed
        self.extra += other.extra


def score_sets(pred: Iterable[Any], gold: Iterable[Any], lenient: bool = False, label: str = "") -> FieldScore:
    """Multiset match of normalised keys; ``lenient`` also pairs strings where one contains the other."""
    p = Counter(norm(x) if isinstance(x, str) else x for x in pred)
    g = Counter(norm(x) if isinstance(x, str) else x for x in gold)
    common = p & g
    rest_p = list((p - common).elements())
    rest_g = list((g - common).elements())
    tp = sum(common.values())
    if lenient:
        # greedy in sorted order keeps the result independent of input order
        for x in sorted(rest_p, key=str):
            for y in sorted(rest_g, key=str):
                if isinstance(x, str) and isinstance(y, str) and (x in y or y in x):
                    rest_g.remove(y)
                    rest_p.remove(x)
                    tp += 1
                    break
    pre = f"{label}: " if label else ""
    return FieldScore(tp=tp, fp=len(rest_p), fn=len(rest_g),
                      missed=[pre + str(y) for y in rest_g], extra=[pre + str(x) for x in rest_p])


def _keys(field_name: str, d: dict) -> list:
    v = d.get(field_name)
    if field_name in ("title", "date"):
        return [] if v is None else [v]
    if field_name == "region":
        return [] if not v else [v["name"]]
    if field_name == "officials":
        return [o["name"] for o in v]
    if field_name in ("organizations", "mechanisms", "numbered_formulas"):
        return list(v)
    if field_name == "duty_formulas":
        return [(norm(f["holder"]), tuple(norm(i) for i in f["items"])) for f in v]
    if field_name == "duty_pairs":
        return [(norm(p["phase"]), norm(p["lead"]), norm(p["support"])) for p in v]
    if field_name == "principle_pairs":
        return [(norm(p["a"]), norm(p["b"])) for p in v]
    if field_name == "statistics":
        return [(float(s["value"]), norm(s["unit"])) if s["value"] is not None
                else (norm(s["subject"]), norm(s["direction"])) for s in v]
    if field_name == "events":
        return [e["name"] for e in v]
    raise KeyError(field_name)


@dataclass
class Evaluation:
    strict: dict[str, FieldScore]
    lenient: dict[str, FieldScore]
    documents: list[str]
    unmatched_predictions: list[str] = field(default_factory=list)

    def table(self) -> str:
        """A plain-text table of P/R/F1 per field."""
        rows = [f"{'field':<20}{'P':>7}{'R':>7}{'F1':>7}{'tp':>5}{'fp':>5}{'fn':>5}"]
        for f in FIELDS:
            s = self.strict[f]
            rows.append(f"{f:<20}{s.precision:7.3f}{s.recall:7.3f}{s.f1:7.3f}{s.tp:5d}{s.fp:5d}{s.fn:5d}")
            if f in self.lenient:
                le = self.lenient[f]
                rows.append(f"{'  (lenient)':<20}{le.precision:7.3f}{le.recall:7.3f}{le.f1:7.3f}{le.tp:5d}{le.fp:5d}{le.fn:5d}")
        rows.append(f"{len(self.documents)} documents")
        return "\n".join(rows)

    def as_dict(self) -> dict:
        def one(s: FieldScore) -> dict:
            return {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4),
                    "tp": s.tp, "fp": s.fp, "fn": s.fn, "missed": s.missed, "extra": s.extra}
        return {"documents": self.documents,
                "strict": {f: one(s) for f, s in self.strict.items()},
                "lenient": {f: one(s) for f, s in self.lenient.items()}}


def load_gold(gold_dir: str | Path) -> dict[str, dict]:
    """Gold summaries keyed by their ``file``."""
    out = {}
    paths = sorted(Path(gold_dir).glob("*.json"))
    if not paths:
        raise GoldError(gold_dir, "contains no gold *.json files")
    for p in paths:
        try:
            d = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise GoldError(p, f"cannot be read as JSON: {e}") from None
        missing = [f for f in ("file",) + FIELDS if f not in d]
        if missing:
            raise GoldError(p, f"missing keys: {', '.join(missing)}")
        out[d["file"]] = d
    return out


def evaluate(predicted: list[dict], gold: dict[str, dict]) -> Evaluation:
    """Score summaries (gold-shaped dicts) against the gold files with the same ``file``."""
    strict = {f: FieldScore() for f in FIELDS}
    lenient = {f: FieldScore() for f in LENIENT_FIELDS}
    docs, unmatched = [], []
    for pred in predicted:
        g = gold.get(pred["file"])
        if g is None:
            unmatched.append(pred["file"])
            continue
        docs.append(pred["file"])
        label = pred["file"][:3]
        for f in FIELDS:
            strict[f].add(score_sets(_keys(f, pred), _keys(f, g), label=label))
        for f in LENIENT_FIELDS:
            lenient[f].add(score_sets(_keys(f, pred), _keys(f, g), lenient=True, label=label))
    return Evaluation(strict=strict, lenient=lenient, documents=docs, unmatched_predictions=unmatched)
