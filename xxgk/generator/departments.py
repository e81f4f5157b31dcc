"""Department types and their activity profiles (means at county level, before the size factor)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeptType:
    """A kind of reporting agency and how busy it typically is.

    ``apps`` is the mean yearly number of disclosure applications at county level; ``lic``, ``pen``,
    ``coer`` are yearly licensing / penalty / coercion decisions; ``fee_wan`` the yearly fee income in
    万元; ``docs`` the yearly number of 行政规范性文件 made.
    """

    key: str
    local_name: str  # 公安局 (city, county, municipality)
    province_name: str | None  # 公安厅 (None: no provincial counterpart in this model)
    apps: float
    lic: float = 0.0
    pen: float = 0.0
    coer: float = 0.0
    fee_wan: float = 0.0
    docs: float = 0.3


# Ordered by how often a small sample should contain them (important and busy first).
DEPARTMENTS: tuple[DeptType, ...] = (
    DeptType("gaj", "公安局", "公安厅", 8, lic=3000, pen=4000, coer=300, fee_wan=40, docs=0.5),
    DeptType("zrzy", "自然资源和规划局", "自然资源厅", 15, lic=300, pen=40, coer=5, fee_wan=300, docs=1),
    DeptType("zjj", "住房和城乡建设局", "住房和城乡建设厅", 10, lic=500, pen=50, coer=3, fee_wan=20, docs=1),
    DeptType("rsj", "人力资源和社会保障局", "人力资源和社会保障厅", 6, lic=50, pen=10, fee_wan=1, docs=1),
    DeptType("kjj", "科技局", "科学技术厅", 0.3, lic=2, docs=0.3),
    DeptType("jyj", "教育局", "教育厅", 2, lic=20, pen=1, docs=0.8),
    DeptType("scjg", "市场监督管理局", "市场监督管理局", 4, lic=3000, pen=300, coer=50, fee_wan=5, docs=0.6),
    DeptType("sthj", "生态环境局", "生态环境厅", 3, lic=60, pen=40, coer=10, docs=0.5),
    DeptType("jtys", "交通运输局", "交通运输厅", 3, lic=800, pen=400, coer=20, fee_wan=10, docs=0.6),
    DeptType("czj", "财政局", "财政厅", 1.5, pen=2, docs=1),
    DeptType("slj", "水利局", "水利厅", 1.2, lic=30, pen=5, fee_wan=30, docs=0.4),
    DeptType("nync", "农业农村局", "农业农村厅", 2, lic=100, pen=20, coer=2, docs=0.6),
    DeptType("swj", "商务局", "商务厅", 0.6, lic=10, docs=0.3),
    DeptType("wglj", "文化广电和旅游局", "文化和旅游厅", 0.8, lic=40, pen=15, docs=0.3),
    DeptType("wjw", "卫生健康委员会", "卫生健康委员会", 2.5, lic=300, pen=60, coer=2, docs=0.5),
    DeptType("yjgl", "应急管理局", "应急管理厅", 1.0, lic=30, pen=40, coer=5, docs=0.4),
    DeptType("mzj", "民政局", "民政厅", 1.2, lic=20, pen=1, docs=0.5),
    DeptType("sfj", "司法局", "司法厅", 0.8, lic=10, pen=1, docs=0.3),
    DeptType("fgw", "发展和改革委员会", "发展和改革委员会", 1.5, lic=50, pen=2, docs=0.8),
    DeptType("ybj", "医疗保障局", "医疗保障局", 1.2, pen=10, docs=0.4),
    DeptType("gxj", "工业和信息化局", "工业和信息化厅", 0.6, lic=20, docs=0.4),
    DeptType("tjj", "统计局", "统计局", 0.3, pen=2, docs=0.1),
    DeptType("sjj", "审计局", "审计厅", 0.3, docs=0.1),
    DeptType("tyjr", "退役军人事务局", "退役军人事务厅", 0.5, docs=0.2),
    DeptType("xzsp", "行政审批局", None, 1.0, lic=5000, docs=0.3),
    DeptType("cgj", "综合行政执法局", None, 2.0, pen=800, coer=100, docs=0.3),
    DeptType("tyj", "体育局", "体育局", 0.2, lic=5, docs=0.1),
    DeptType("mzzj", "民族宗教事务局", "民族宗教事务委员会", 0.1, lic=3, docs=0.1),
    DeptType("lyj", "林业局", "林业局", 0.8, lic=80, pen=15, docs=0.2),
    DeptType("xfj", "信访局", "信访局", 0.5, docs=0.05),
)

GOVERNMENT = DeptType("gov", "人民政府", "人民政府", 20, lic=0, pen=0, docs=6)
TOWNSHIP = DeptType("town", "人民政府", None, 1.0, lic=30, pen=5, docs=0.2)

# Mean-application multiplier by administrative level.
LEVEL_SCALE: dict[str, float] = {
    "province": 8.0, "municipality": 10.0, "city": 3.0, "county": 1.0, "township": 0.35,
}

# Departments with a real long tail of applications (land, police, housing, social security).
HEAVY_TAIL = frozenset({"gaj", "zrzy", "zjj", "rsj", "gov"})
