"""A small built-in list of real region names, and a deterministic name synthesiser beyond it.

Deliberately tiny: the full gazetteer lives in ``xxgk.regions`` (not used here). When a province needs
more cities or counties than listed, plausible names are made up from a pool of common characters.
"""

from __future__ import annotations

import random

# (name, kind) — kind is 'province', 'autonomous' or 'municipality'. Ordered so that small samples
# start with ordinary provinces.
PROVINCES: tuple[tuple[str, str], ...] = (
    ("江苏省", "province"), ("浙江省", "province"), ("福建省", "province"), ("广东省", "province"),
    ("上海市", "municipality"), ("山东省", "province"), ("湖南省", "province"), ("四川省", "province"),
    ("河南省", "province"), ("湖北省", "province"), ("安徽省", "province"), ("北京市", "municipality"),
    ("江西省", "province"), ("河北省", "province"), ("山西省", "province"), ("辽宁省", "province"),
    ("吉林省", "province"), ("黑龙江省", "province"), ("陕西省", "province"), ("重庆市", "municipality"),
    ("甘肃省", "province"), ("青海省", "province"), ("云南省", "province"), ("贵州省", "province"),
    ("海南省", "province"), ("天津市", "municipality"), ("广西壮族自治区", "autonomous"),
    ("内蒙古自治区", "autonomous"), ("宁夏回族自治区", "autonomous"), ("新疆维吾尔自治区", "autonomous"),
    ("西藏自治区", "autonomous"),
)

# province -> [(city, [counties])]; for municipalities the inner list is the districts directly.
CITIES: dict[str, list[tuple[str, list[str]]]] = {
    "江苏省": [
        ("南通市", ["海安市", "如皋市", "启东市", "如东县", "崇川区", "通州区"]),
        ("淮安市", ["洪泽区", "淮安区", "清江浦区", "涟水县", "盱眙县", "金湖县"]),
        ("苏州市", ["昆山市", "常熟市", "张家港市", "吴江区", "姑苏区"]),
        ("无锡市", ["江阴市", "宜兴市", "梁溪区", "锡山区"]),
    ],
    "浙江省": [
        ("杭州市", ["西湖区", "余杭区", "萧山区", "桐庐县", "建德市"]),
        ("宁波市", ["鄞州区", "海曙区", "余姚市", "慈溪市", "象山县"]),
        ("丽水市", ["莲都区", "龙泉市", "青田县", "缙云县"]),
    ],
    "福建省": [
        ("福州市", ["鼓楼区", "仓山区", "闽侯县", "福清市", "长乐区"]),
        ("泉州市", ["晋江市", "石狮市", "南安市", "惠安县", "安溪县"]),
        ("三明市", ["永安市", "沙县区", "尤溪县", "将乐县"]),
    ],
    "广东省": [
        ("广州市", ["天河区", "越秀区", "海珠区", "番禺区", "从化区"]),
        ("佛山市", ["禅城区", "南海区", "顺德区", "高明区"]),
        ("韶关市", ["浈江区", "武江区", "乐昌市", "南雄市", "仁化县"]),
    ],
    "山东省": [
        ("济南市", ["历下区", "市中区", "章丘区", "平阴县"]),
        ("青岛市", ["市南区", "黄岛区", "胶州市", "平度市"]),
    ],
    "湖南省": [
        ("长沙市", ["岳麓区", "芙蓉区", "浏阳市", "宁乡市"]),
        ("怀化市", ["鹤城区", "洪江市", "沅陵县", "辰溪县", "溆浦县"]),
        ("岳阳市", ["岳阳楼区", "汨罗市", "临湘市", "华容县"]),
    ],
    "四川省": [
        ("成都市", ["武侯区", "锦江区", "都江堰市", "彭州市"]),
        ("绵阳市", ["涪城区", "江油市", "三台县", "梓潼县"]),
    ],
    "上海市": [("上海市", ["浦东新区", "黄浦区", "徐汇区", "普陀区", "闵行区", "金山区", "虹口区"])],
    "北京市": [("北京市", ["东城区", "西城区", "海淀区", "朝阳区", "丰台区"])],
    "天津市": [("天津市", ["和平区", "南开区", "河西区", "滨海新区"])],
    "重庆市": [("重庆市", ["渝中区", "江北区", "万州区", "巫山县", "綦江区"])],
}

TOWN_CHARS = (
    "安平宁兴和丰阳东西南北新华龙泉山河湖江海清长永福明德昌盛宝金石桥林溪田庄塘口湾岭台城水云"
    "松梅竹兰花青白黄高太元广嘉庆通泰吉祥瑞仁义礼信三里沙港洋坪埠集店铺桃杨柳枫樟荷"
)


def synth_name(rng: random.Random, suffix: str, taken: set[str], length: int = 2) -> str:
    """A new plausible place name ending in ``suffix`` that is not in ``taken`` (and is added to it)."""
    for _ in range(1000):
        name = "".join(rng.choice(TOWN_CHARS) for _ in range(length)) + suffix
        if name not in taken:
            taken.add(name)
            return name
    return synth_name(rng, suffix, taken, length + 1)
