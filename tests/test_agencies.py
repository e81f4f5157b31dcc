"""Agency classification (level, kind, sector) and name normalisation."""

from __future__ import annotations

import pytest

from xxgk.agencies import classify_agency, normalize_agency_name


@pytest.mark.parametrize(
    ("name", "level", "kind", "sector", "region"),
    [
        ("海安市科技局", "county", "department", "科技", "海安市"),
        ("海安市科学技术局", "county", "department", "科技", "海安市"),
        ("淮安市洪泽区人民政府", "county", "government", "人民政府", "洪泽区"),
        ("淮安市人民政府", "prefecture", "government", "人民政府", "淮安市"),
        ("上海市人民政府办公厅", "provincial", "government", "人民政府", "上海市"),
        ("江苏省人民政府", "provincial", "government", "人民政府", "江苏省"),
        ("平潭综合实验区", "prefecture", "government", "人民政府", "平潭综合实验区"),
        ("平潭综合实验区管委会", "prefecture", "government", "人民政府", "平潭综合实验区"),
        ("海安市城东镇人民政府", "township", "township", "乡镇街道", "海安市"),
        ("洪泽区高良涧街道办事处", "township", "township", "乡镇街道", "洪泽区"),
        ("海安市乡村振兴局", "county", "department", "乡村振兴", "海安市"),  # 乡 is not a township here
        ("南京市公安局", "prefecture", "department", "公安", "南京市"),
        ("福州市鼓楼区人力资源和社会保障局", "county", "department", "人社", "鼓楼区"),
        ("江苏省生态环境厅", "provincial", "department", "生态环境", "江苏省"),
        ("海安市市场监督管理局（知识产权局）", "county", "department", "市场监管", "海安市"),
        ("国家税务总局海安市税务局", "county", "department", "税务", "海安市"),
        ("教育部", "national", "department", "教育", None),
        ("国务院办公厅", "national", "government", "人民政府", None),
        ("科技局", "unknown", "department", "科技", None),
        ("某某协会", "unknown", "department", None, None),
    ],
)
def test_classify(name: str, level: str, kind: str, sector: str | None, region: str | None) -> None:
    got = classify_agency(name)
    assert (got["level"], got["kind"], got["sector"], got["region"]) == (level, kind, sector, region)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("海安市科技局", "海安市科学技术局"),
        ("海安科技局", "江苏省南通市海安市科技局"),
        ("洪泽区人民政府", "淮安市洪泽区人民政府"),
        ("海安市人力资源和社会保障局", "海安市人社局"),
        ("海安市政府办", "海安市人民政府办公室"),
        ("海安市市场监督管理局（知识产权局）", "海安市市场监管局"),
        ("海安市 卫生健康委员会", "海安市卫健委"),
    ],
)
def test_normalize_folds_variants(a: str, b: str) -> None:
    assert normalize_agency_name(a) == normalize_agency_name(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("海安市科技局", "如皋市科技局"),
        ("海安市人民政府", "海安市人民政府办公室"),
        ("上海市人民政府办公厅", "上海市人民政府"),
        ("海安市文化和旅游局", "海安市教育局"),
    ],
)
def test_normalize_keeps_different_agencies_apart(a: str, b: str) -> None:
    assert normalize_agency_name(a) != normalize_agency_name(b)


def test_normalized_key_values() -> None:
    assert normalize_agency_name("海安科学技术局") == "江苏省南通市海安市科技局"
    assert normalize_agency_name("淮安市洪泽区人民政府") == "江苏省淮安市洪泽区人民政府"
    assert normalize_agency_name("科技局") == "科技局"
