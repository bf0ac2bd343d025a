"""kg.text.variants: variant characters OpenCC's t2s leaves alone are folded one for one, offsets kept."""

import opencc
import pytest

from kg.datafiles import pairs
from kg.models import LoadedDocument, SourceMeta
from kg.text.normalize import normalise
from kg.text.variants import fold_variants


def test_every_listed_variant_is_one_t2s_leaves_alone():
    # an entry t2s already converts would be dead weight; one that is not 1:1 would break offsets
    t2s = opencc.OpenCC("t2s")
    for variant, standard in pairs("variants.txt", "variants"):
        assert len(variant) == len(standard) == 1, variant
        assert t2s.convert(variant) == variant, f"t2s converts {variant} itself"


@pytest.mark.parametrize("text,folded", [
    ("陜西省應急管理廳", "陕西省應急管理廳"),
    ("衞生健康部門和鑛山安全", "卫生健康部門和矿山安全"),
    ("\uf9b1", "\u9234"),  # a CJK compatibility ideograph -> its unified character
    ("应急管理厅", "应急管理厅"),
])
def test_fold(text, folded):
    assert fold_variants(text) == folded
    assert len(fold_variants(text)) == len(text)


def test_normalised_text_has_the_standard_character_and_quotes_the_original():
    text = "陜西省應急管理廳召開會議。"
    doc = LoadedDocument(meta=SourceMeta(id="t", file="t.txt"), path="t.txt", text=text, encoding="utf-8",
                         format="txt", sha256="")
    n = normalise(doc)
    assert n.text == "陕西省应急管理厅召开会议。"
    assert n.quote(0, 3) == "陜西省"  # provenance quotes the page as written
