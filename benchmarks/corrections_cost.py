"""What corrections cost a rebuild: a 1,000-document corpus (copies of the demo documents, as
``build_speed.py`` makes it), rebuilt after one document changes, without and with a
corrections file, and after the corrections change (the graph is then built again from the
cached extractions: the build state is keyed on the corrections).

    .venv/bin/python benchmarks/corrections_cost.py [--docs 1000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_speed import make_corpus  # noqa: E402

from kg.build import build  # noqa: E402

CORRECTIONS = """\
[[reject]]
node = "Mechanism:全周期应急体系"

[[reject]]
edge = ["Region:湖南省", "adopts", "Mechanism:五级联动应急指挥体系"]

[[merge]]
nodes = ["Official:伍斌", "Official:凌志峰"]
label = "两位厅长"

[[relabel]]
node = "Official:李大剑"
label = "李大剑厅长"

[[alias]]
node = "Mechanism:双重预防机制"
alias = "双预防机制"

[[region]]
doc = "doc00002"
region = "长春市"

[[add]]
doc = "doc00000"
type = "Mechanism"
name = "法治手段解决问题机制"
quote = "提高运用法治思想和法治手段解决问题的能力"
"""


def timed(src: Path, out: Path, label: str):
    t = time.perf_counter()
    report = build(src, out, views=False)
    s = time.perf_counter() - t
    extracted = sum(1 for d in report.documents if d.status == "extracted")
    print(f"{label:<52} {s:6.2f} s  (extracted {extracted}, graph updated: {report.updated}; "
          f"graph stage {report.seconds.get('graph', 0):.2f} s, export {report.seconds.get('export', 0):.2f} s)")
    print(" " * 4, {k: v for k, v in report.seconds.items() if v >= 0.05})
    return s


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-corr-") as tmp:
        src, out = Path(tmp) / "src", Path(tmp) / "out"
        make_corpus(src, 10_000, max_docs=args.docs)
        docs = sorted(src.glob("*.txt"))
        victim = docs[len(docs) // 2]

        def touch() -> None:
            victim.write_text(victim.read_text(encoding="utf-8") + "\n全省生产安全事故起数同比下降。\n", encoding="utf-8")

        timed(src, out, "first build, no corrections")
        timed(src, out, "nothing changed, no corrections")
        touch()
        timed(src, out, "one document changed, no corrections")
        (src / "corrections.toml").write_text(CORRECTIONS, encoding="utf-8")
        timed(src, out, "corrections file added (7 entries)")
        touch()
        timed(src, out, "one document changed, corrections unchanged")
        (src / "corrections.toml").write_text(CORRECTIONS + '\n[[relabel]]\nnode = "Region:湖南省"\nlabel = "湘"\n',
                                              encoding="utf-8")
        timed(src, out, "one correction added")
        timed(src, out, "nothing changed")


if __name__ == "__main__":
    main()
