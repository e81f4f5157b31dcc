"""Region gazetteer: data shape, full and short names, chains, namesakes, special zones."""

from __future__ import annotations

import pytest

from xxgk.regions import gazetteer, region_path, resolve_region, short_name


def test_data_shape() -> None:
    gz = gazetteer()
    provinces = [r for r in gz.by_code.values() if r.level == "province"]
    assert len(provinces) == 34  # 31 mainland + 台湾, 香港, 澳门
    assert len([r for r in gz.by_code.values() if r.level == "county" and r.status == "current"]) > 2800
    for reg in gz.by_code.values():  # every parent exists
        assert reg.parent_code is None or reg.parent_code in gz.by_code


@pytest.mark.parametrize(
    ("name", "path", "fields"),
    [
        ("海安市", "江苏省南通市海安市", ("江苏省", "南通市", "海安市")),
        ("海安", "江苏省南通市海安市", ("江苏省", "南通市", "海安市")),
        ("洪泽区", "江苏省淮安市洪泽区", ("江苏省", "淮安市", "洪泽区")),
        ("淮安市", "江苏省淮安市", ("江苏省", "淮安市", None)),
        ("上海市", "上海市", ("上海市", None, None)),
        ("浦东新区", "上海市浦东新区", ("上海市", None, "浦东新区")),  # municipalities: no city level
        ("仙桃市", "湖北省仙桃市", ("湖北省", None, "仙桃市")),  # 省直辖县级
        ("白沙", "海南省白沙黎族自治县", ("海南省", None, "白沙黎族自治县")),
        ("广西", "广西壮族自治区", ("广西壮族自治区", None, None)),
        ("平潭综合实验区", "福建省平潭综合实验区", ("福建省", None, None)),
    ],
)
def test_resolve(name: str, path: str, fields: tuple[str | None, ...]) -> None:
    reg = resolve_region(name)
    assert reg is not None
    assert reg.path == path
    assert (reg.province, reg.city, reg.county) == fields
    assert region_path(reg.province, reg.city, reg.county, reg.name) == path


def test_special_zone_levels() -> None:
    reg = resolve_region("平潭综合实验区")
    assert reg is not None and reg.level == "special" and reg.admin_level == "prefecture"
    assert reg.fields() == {"region": "平潭综合实验区", "province": "福建省", "city": None, "county": None}


def test_namesakes_need_context() -> None:
    assert len(gazetteer().lookup("鼓楼区")) >= 3
    assert resolve_region("鼓楼区") is None
    reg = resolve_region("鼓楼区", context="福州市鼓楼区人民政府")
    assert reg is not None and reg.city == "福州市"


def test_historical_names() -> None:
    reg = resolve_region("海安县")  # became 海安市 in 2018
    assert reg is not None and reg.status == "historical" and reg.city == "南通市"
    cur = resolve_region("海安")  # the short name prefers the current division
    assert cur is not None and cur.name == "海安市"


def test_short_name() -> None:
    assert short_name("海安市") == "海安"
    assert short_name("内蒙古自治区") == "内蒙古"
    assert short_name("保亭黎族苗族自治县", ["黎族", "苗族"]) == "保亭"
    assert short_name("赵县") is None  # one character left


@pytest.mark.parametrize(
    ("text", "region", "prefix", "rest"),
    [
        ("淮安市洪泽区人民政府", "洪泽区", "淮安市洪泽区", "人民政府"),
        ("海安科技局", "海安市", "海安", "科技局"),
        ("上海市人民政府办公厅", "上海市", "上海市", "人民政府办公厅"),
        ("江苏省南通市海安市城东镇人民政府", "海安市", "江苏省南通市海安市", "城东镇人民政府"),
        ("公安局", None, "", "公安局"),  # 公安县 must not eat 公安局
        ("科技局", None, "", "科技局"),
    ],
)
def test_split_prefix(text: str, region: str | None, prefix: str, rest: str) -> None:
    reg, got_prefix, got_rest = gazetteer().split_prefix(text)
    assert (reg.name if reg else None, got_prefix, got_rest) == (region, prefix, rest)


def test_mentions_short_names_need_a_follower() -> None:
    text = "充分利用好海安政府门户网站、海安科技局等平台；海安的发展"
    counts = gazetteer().mentions(text, short_followers=r"政府|门户|[\u4e00-\u9fff]{0,6}?局")
    assert counts == {"海安": 2}


def test_mentions_scan_equals_regex_alternation() -> None:
    """The indexed scan gives exactly what the regex alternation of all names gives (overlaps, stoplist,
    short names with and without followers, names cut at the end of the text)."""
    import random
    import re

    gz = gazetteer()
    names = gz._names_by_len
    rng = random.Random(5)
    glue = ["", "", "人民政府", "政府", "科技局", "和", "市", "区", "县", "。", "\n", "门户网站", "城区", "新区"]
    texts = ["海安市科技局、海安科技局和南通市海安市", "江苏省南通市海安", "城区新区市中区", "海安"]
    for _ in range(300):
        parts = []
        for _ in range(rng.randint(1, 25)):
            name = rng.choice(names)
            if rng.random() < 0.3:
                name = name[: rng.randint(1, len(name))]  # cut names: partial matches
            parts += [name, rng.choice(glue)]
        texts.append("".join(parts))
    follow = r"(?:人民)?政府|门户|[\u4e00-\u9fff]{0,6}?(?:局|委员会|办公室|厅|中心)"
    for text in texts:
        for followers in (follow, ""):
            want = gz._mentions_regex(text, re.compile(followers) if followers else None)
            assert list(gz.mentions(text, short_followers=followers).items()) == list(want.items()), text
