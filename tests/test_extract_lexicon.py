import time

import pytest

from kg.extract import lexicon
from kg.extract.lexicon import (
    DocumentRegionLike,
    divisions,
    divisions_by_name,
    is_own_level,
    is_surname,
    jieba_terms,
    level_rank,
    short_form,
    surname_length,
    surnames,
    token_bounds,
)


def test_table_has_all_34_provincial_units_with_their_short_forms():
    provinces = {d.name: d.short for d in divisions() if d.level == "province"}
    assert len(provinces) == 34
    for full, short in [("广西壮族自治区", "广西"), ("内蒙古自治区", "内蒙古"), ("新疆维吾尔自治区", "新疆"),
                        ("宁夏回族自治区", "宁夏"), ("西藏自治区", "西藏"), ("香港特别行政区", "香港"),
                        ("澳门特别行政区", "澳门"), ("北京市", "北京"), ("湖南省", "湖南"), ("台湾省", "台湾")]:
        assert provinces[full] == short


def test_adcode_hierarchy_gives_province_and_prefecture():
    (d,) = [d for d in divisions() if d.name == "珲春市"]
    assert (d.level, d.province, d.city, d.adcode[:2]) == ("county", "吉林省", "延边朝鲜族自治州", "22")
    (city,) = [d for d in divisions() if d.name == "长春市"]
    assert (city.level, city.adcode) == ("city", "220100")


def test_municipality_pseudo_prefecture_is_not_a_second_division():
    assert [d.level for d in divisions_by_name()["北京市"]] == ["province"]


@pytest.mark.parametrize("name,level,short", [
    ("延边朝鲜族自治州", "city", "延边"),
    ("恩施土家族苗族自治州", "city", "恩施"),
    ("克孜勒苏柯尔克孜自治州", "city", "克孜勒苏"),
    ("长白朝鲜族自治县", "county", "长白"),
    ("浦东新区", "county", "浦东"),
    ("大兴安岭地区", "city", "大兴安岭"),
    ("阿拉善盟", "city", "阿拉善"),
    ("沙县", "county", None),  # one character would be left
])
def test_short_forms_strip_level_words_and_nationalities(name, level, short):
    assert short_form(name, level) == short


def test_province_short_form_hides_the_city_of_the_same_short_form():
    assert [d.name for d in divisions_by_name()["吉林"]] == ["吉林省"]
    assert [d.name for d in divisions_by_name()["吉林市"]] == ["吉林市"]
    assert "延边州" in divisions_by_name()  # short form + level word


def test_surname_list_is_the_hundred_family_surnames_plus_compounds():
    single, compound = surnames()
    assert len(single) >= 444 and len(compound) == 60
    assert is_surname("李") and is_surname("霍") and is_surname("欧阳") and not is_surname("X")
    assert surname_length("欧阳修") == 2 and surname_length("李大剑") == 1 and surname_length("X市") == 0


@pytest.mark.parametrize("word,region,rank", [
    ("省", None, 0), ("市", None, 1), ("区", None, 2),
    ("区", DocumentRegionLike("广西壮族自治区", "province"), 0),
    ("市", DocumentRegionLike("上海市", "province"), 0),
    ("市", DocumentRegionLike("吉林省", "province"), 1),
])
def test_level_rank_knows_autonomous_regions_and_municipalities(word, region, rank):
    assert level_rank(word, region) == rank


def test_own_level():
    assert is_own_level("市", DocumentRegionLike("X市", "city"))
    assert not is_own_level("区", DocumentRegionLike("X市", "city"))
    assert not is_own_level("省", None)


def test_jieba_terms_are_new_words_lowercase_tagged_and_cheap_to_add():
    import jieba

    jieba.initialize()
    words = [w for w, _ in jieba_terms()]  # before adding: words the pipeline may have added already
    terms = list(jieba_terms())
    assert len({w for w, _ in terms}) == len(terms) <= len(words) < 500
    assert all(tag.isascii() and tag.islower() for _, tag in terms)
    assert "湖南省" not in words  # jieba knows it: re-adding would only shift frequencies
    t = time.perf_counter()
    for w, tag in terms:
        jieba.add_word(w, tag=tag)
    assert time.perf_counter() - t < 0.5  # measured a few ms for ~80 words
    assert "森林草原防灭火指挥部" in jieba.lcut("省森林草原防灭火指挥部办公室")


def test_jieba_tags_come_from_its_dictionary():
    tags = lexicon.jieba_tags()
    assert tags["长春"] == "ns" and tags["高度"] == "n"


def test_token_bounds_without_a_doc_segment_with_jieba():
    starts, start_set, ends = token_bounds(None, "吉林应急人紧密结合")
    assert starts[0] == 0 and 2 in start_set and 2 in ends
