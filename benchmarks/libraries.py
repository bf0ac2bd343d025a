"""Maintained libraries against kg's own code, where they would do the same job (issue #15).

Two choices are measured, each for identical output first and speed second (in one run,
same process, best of several rounds, as ratios: machines are noisy, compare, don't clock):

* **Segmentation.** kg's tokenizer (:func:`kg.nlp.tokenizer.segment`, jieba's algorithm with
  its hot loops in C, ``kg/nlp/_route.c``) against `rjieba` (jieba-rs, Rust) and
  `jieba-fast-dat` (C++, a double-array trie), each given kg's dictionary. The reference
  is ``jieba.cut`` of jieba 0.42.1 (the pinned version) with kg's dictionary loaded, on the
  normalised seeds (``sources/``), the real pages (``../shared/realdev/docs/*.txt``, read
  here, never copied) and hypothesis-generated texts. Each library is tried with its own
  bundled dictionary and with jieba 0.42.1's ``dict.txt`` loaded into it.
* **JSON encoding.** The exports' record encoder (json's C encoder, ``json.encoder.c_make_encoder``,
  in ``kg/export/nodelink.py``) against `orjson`: a whole build of the demo corpus with the
  records encoded by each, compared file by file, and the time to render graph.json.

Needs the test extras (hypothesis) and the three libraries, which kg itself does not use::

    pip install -e ".[test,bench]"
    python benchmarks/libraries.py [--realdev DIR] [--rounds 5] [--examples 500]
"""

from __future__ import annotations

import argparse
import filecmp
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"


def _realdev_default() -> Path:
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "realdev" / "docs").is_dir():
            return base / "shared" / "realdev" / "docs"
    return ROOT.parent / "shared" / "realdev" / "docs"


def _normalised(paths: list[Path]) -> list[str]:
    from kg.io.loader import load_document
    from kg.text.normalize import normalise

    return [normalise(load_document(p)).text for p in paths]


# ---- segmenters, each loaded with kg's dictionary the way kg loads it into jieba ----

def _kg_words() -> list[tuple[str, Optional[int], Optional[str]]]:
    """kg's dictionary as (word, freq or None, tag) in the order kg.nlp.pipeline adds it:
    kg/data/userdict.txt parsed as jieba.load_userdict parses it, then the lexicon's terms."""
    from importlib import resources

    import jieba

    from kg.extract import lexicon
    from kg.nlp.pipeline import USERDICT

    out: list[tuple[str, Optional[int], Optional[str]]] = []
    text = (resources.files("kg") / "data" / USERDICT).read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        word, freq, tag = jieba.re_userdict.match(line).groups()
        out.append((word, int(freq.strip()) if freq is not None else None, tag.strip() if tag else None))
    out.extend((word, None, tag) for word, tag in lexicon.jieba_terms())
    return out


def _jieba_dict() -> Path:
    import jieba

    return Path(jieba.__file__).parent / "dict.txt"


def reference() -> Callable[[str], list[str]]:
    import jieba

    from kg.nlp.pipeline import load_domain_dictionary

    load_domain_dictionary()
    jieba.dt.check_initialized()
    return lambda text: list(jieba.cut(text))


def kg_segment() -> Callable[[str], list[str]]:
    from kg.nlp.tokenizer import segment

    return segment


# How each library gets its dictionary: its own bundled one, or jieba 0.42.1's dict.txt, both
# followed by kg's words added through the library's add_word; or jieba's whole table as kg
# leaves it (every word with the frequency jieba holds after kg's words are in): the same
# dictionary word for word, so that what still differs is the algorithm.
VARIANTS = ("its own dictionary", "jieba 0.42.1 dict.txt", "jieba's table, copied")


def _jieba_table() -> list[tuple[str, int]]:
    import jieba

    reference()  # kg's words loaded into jieba
    return [(word, freq) for word, freq in jieba.dt.FREQ.items() if freq]


def rjieba_segment(variant: str) -> Callable[[str], list[str]]:
    import rjieba

    if variant == VARIANTS[0]:
        seg = rjieba.Jieba()
    else:
        seg = rjieba.Jieba.empty()  # rjieba reads no dictionary file: word by word
    if variant == VARIANTS[1]:
        for line in _jieba_dict().read_text(encoding="utf-8").splitlines():
            word, freq, tag = line.split(" ")
            seg.add_word(word, int(freq), tag)
    if variant == VARIANTS[2]:
        for word, freq in _jieba_table():
            seg.add_word(word, freq, None)
    else:
        for word, freq, tag in _kg_words():
            seg.add_word(word, freq, tag)
    return seg.cut


def fastdat_segment(variant: str) -> Callable[[str], list[str]]:
    import logging

    import jieba_fast_dat

    logging.getLogger("jieba_fast_dat").setLevel(logging.ERROR)
    seg = jieba_fast_dat.Tokenizer() if variant == VARIANTS[0] else jieba_fast_dat.Tokenizer(str(_jieba_dict()))
    seg.initialize()
    if variant == VARIANTS[2]:  # on top of dict.txt: the table sets every frequency to jieba's
        for word, freq in _jieba_table():
            seg.add_word(word, freq)
    else:
        for word, freq, tag in _kg_words():
            seg.add_word(word, freq, tag)
    return seg.lcut


def _first_difference(a: list[str], b: list[str]) -> str:
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"word {i}: jieba {a[max(0, i - 2):i + 3]} vs {b[max(0, i - 2):i + 3]}"


def _hypothesis_check(ref, seg, examples: int, seed_chars: list[str]) -> tuple[int, int, Optional[str]]:
    """(texts tried, texts whose words differ, the shortest such text) over hypothesis texts
    (the strategy of tests/test_nlp_tokenizer.py: the seeds' characters, marks, any text)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    texts = (st.text(alphabet=st.sampled_from(seed_chars + list(" \n\r\t-._%#&+")), max_size=120)
             | st.text(max_size=40))
    tried = differ = 0
    shortest: Optional[str] = None

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(texts)
    def count(text):
        nonlocal tried, differ, shortest
        tried += 1
        if ref(text) != seg(text):
            differ += 1
            if shortest is None or len(text) < len(shortest):
                shortest = text

    count()
    return tried, differ, shortest


def _best(fn: Callable[[], object], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def segmentation(realdev: Path, rounds: int, examples: int) -> None:
    seeds = _normalised(sorted(SOURCES.glob("*.txt")))
    real = _normalised(sorted(realdev.glob("*.txt")))
    print(f"segmentation: {len(seeds)} seeds, {len(real)} real pages ({realdev}), "
          f"{sum(map(len, seeds + real)):,} characters")
    ref = reference()
    candidates = {"kg (C route)": kg_segment()}
    for name, make in (("rjieba 0.2.2", rjieba_segment), ("jieba-fast-dat 0.59", fastdat_segment)):
        for variant in VARIANTS:
            candidates[f"{name}, {variant}"] = make(variant)
    seed_chars = sorted(set("".join(seeds)))
    exact: list[str] = []  # the segmenters that gave jieba's words on every text
    print(f"  {'segmenter: texts given jieba.cut words':<46} {'seeds':>9} {'real':>9} {'hypothesis':>12}")
    for label, seg in candidates.items():
        per = []
        for corpus in (seeds, real):
            per.append(sum(ref(t) == seg(t) for t in corpus))
        tried, differ, smallest = _hypothesis_check(ref, seg, examples, seed_chars)
        if per == [len(seeds), len(real)] and not differ:
            exact.append(label)
        print(f"  {label:<46} {per[0]:>4}/{len(seeds):<4} {per[1]:>4}/{len(real):<4} "
              f"{tried - differ:>5}/{tried:<6}")
        for corpus, name in ((seeds, "seeds"), (real, "real")):
            for k, t in enumerate(corpus):
                a, b = ref(t), seg(t)
                if a != b:
                    print(f"      first differing {name} text #{k} ({len(a)} vs {len(b)} words): "
                          f"{_first_difference(a, b)}")
                    break
        if smallest is not None:
            print(f"      shortest differing hypothesis text {smallest!r}: jieba {ref(smallest)} vs {seg(smallest)}")

    texts = seeds + real
    chars = sum(map(len, texts))
    timing = {"jieba.cut 0.42.1": ref, **candidates}
    best = {label: float("inf") for label in timing}
    for _ in range(rounds):  # rounds interleaved: every segmenter sees the same machine state
        for label, seg in timing.items():
            best[label] = min(best[label], _best(lambda: [seg(t) for t in texts], 1))
    base, ours = best["jieba.cut 0.42.1"], best["kg (C route)"]
    print(f"  speed, best of {rounds} rounds over {chars:,} characters:")
    for label, secs in best.items():
        print(f"  {label:<46} {chars / secs / 1e6:6.2f} M chars/s  x{base / secs:5.2f} jieba.cut  "
              f"x{ours / secs:5.2f} kg")
    libraries = [label for label in exact if label != "kg (C route)"]
    if libraries:
        fastest = min(libraries, key=best.__getitem__)
        print(f"  verdict: {fastest} gives jieba's words; x{ours / best[fastest]:.2f} kg's speed")
    else:
        print("  verdict: keep kg's route: no library gives jieba's words on every text")


# ---- JSON: the exports' records, encoded by json's C encoder or by orjson ----

def _orjson_record(record) -> str:
    import orjson

    return orjson.dumps(record, option=orjson.OPT_SORT_KEYS).decode("utf-8")


def _build(out: Path) -> None:
    from kg.build import build

    build(str(SOURCES), str(out), jobs=1, views=False, cache=False)


def json_encoding(rounds: int) -> None:
    import kg.export.nodelink as nodelink  # the call site: every record of graph.json goes through _dumps_record

    print("json: demo corpus exports, records by json.encoder.c_make_encoder (kg) vs orjson 3.13.0")
    ours_record = nodelink._dumps_record
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "ours", Path(tmp) / "orjson"
        _build(a)
        nodelink._dumps_record = _orjson_record
        try:
            _build(b)
        finally:
            nodelink._dumps_record = ours_record
        files = sorted(p.name for p in a.iterdir() if p.is_file() and p.name != "build-report.json")
        same = [f for f in files if filecmp.cmp(a / f, b / f, shallow=False)]
        print(f"  identical export files: {len(same)}/{len(files)} (build-report.json left out: it holds timings)")
        for f in sorted(set(files) - set(same)):
            x, y = (a / f).read_bytes(), (b / f).read_bytes()
            i = next((k for k, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
            print(f"    {f}: {len(x):,} vs {len(y):,} bytes, first difference at byte {i}: "
                  f"{x[max(0, i - 30):i + 30].decode('utf-8', 'replace')!r} vs "
                  f"{y[max(0, i - 30):i + 30].decode('utf-8', 'replace')!r}")
        kg = nodelink.read_node_link(a / "graph.json")
    data = nodelink.node_link_data(kg)
    records = data["nodes"] + data["edges"] + data["provenance"]
    compact = sum(_orjson_record(r) == json.dumps(r, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                  for r in records)
    print(f"  records equal to json's output with compact separators (',' ':'): {compact}/{len(records)} "
          f"(orjson has no ', ' / ': ' separators, which graph.json uses)")
    t_ours = t_orjson = float("inf")
    for _ in range(rounds):
        t_ours = min(t_ours, _best(lambda: [ours_record(r) for r in records], 1))
        t_orjson = min(t_orjson, _best(lambda: [_orjson_record(r) for r in records], 1))
    print(f"  {len(records):,} records, best of {rounds}: c_make_encoder {t_ours * 1e3:.1f} ms, "
          f"orjson {t_orjson * 1e3:.1f} ms (x{t_ours / t_orjson:.2f})")
    t_render = float("inf")
    t_render_o = float("inf")
    for _ in range(rounds):
        t_render = min(t_render, _best(lambda: nodelink.render_node_link(kg), 1))
        nodelink._dumps_record = _orjson_record
        try:
            t_render_o = min(t_render_o, _best(lambda: nodelink.render_node_link(kg), 1))
        finally:
            nodelink._dumps_record = ours_record
    print(f"  render graph.json, best of {rounds}: c_make_encoder {t_render * 1e3:.1f} ms, "
          f"orjson {t_render_o * 1e3:.1f} ms (x{t_render / t_render_o:.2f})")
    if len(same) == len(files):
        print(f"  verdict: orjson writes the same bytes, x{t_render / t_render_o:.2f} the speed")
    else:
        print("  verdict: keep json's C encoder: orjson changes the exports' bytes")


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--realdev", type=Path, default=_realdev_default(), help="folder of real pages (*.txt)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--examples", type=int, default=500, help="hypothesis texts per segmenter")
    args = ap.parse_args(argv)
    segmentation(args.realdev, args.rounds, args.examples)
    json_encoding(args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
