"""Narrative text of the six sections, quoting the table counts in ``GeneratedReport.quotes``."""

from __future__ import annotations

import json
import random
from functools import cache
from importlib import resources

from .report import GeneratedReport
from .rng import stream


@cache
def section_headings() -> dict[str, str]:
    """Section code → canonical heading, from the template schema."""
    text = resources.files("xxgk.template").joinpath("template_schema.json").read_text("utf-8")
    return {s["code"]: s["label"] for s in json.loads(text)["sections"]}


def we(rep: GeneratedReport) -> str:
    """How the agency refers to itself (我局, 我委, 我区, 我镇 …)."""
    a = rep.agency
    if a.kind == "township":
        return "我街道" if (a.township or "").endswith("街道") else "我" + (a.township or "镇")[-1]
    if a.kind == "government":
        region = a.county or (a.city if a.city and a.city != a.province else a.province)
        return "我" + region[-1]
    for suffix, short in (("委员会", "委"), ("办公室", "办"), ("厅", "厅"), ("局", "局")):
        if a.name.endswith(suffix):
            return "我" + short
    return "本机关"


def preamble(rep: GeneratedReport) -> str:
    y = rep.year
    return (f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制，全文包括总体情况、"
            f"主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
            f"存在的主要问题及改进情况、其他需要报告的事项。本报告所列数据的统计期限自{y}年1月1日起至"
            f"{y}年12月31日止。如对本报告有疑问，请与{rep.agency.name}联系。")


def _applications(rep: GeneratedReport, rng: random.Random) -> str:
    q, y, w = rep.quotes, rep.year, we(rep)
    if q["T3:1:TOTAL"] == 0 and q["T3:3.7:TOTAL"] == 0:
        s = f"{y}年，{w}未收到政府信息公开申请。"
    else:
        verb = rng.choice(("共收到", "共受理", "新收"))
        s = (f"{y}年，{w}{verb}政府信息公开申请{q['T3:1:TOTAL']}件，依法办结{q['T3:3.7:TOTAL']}件，"
             f"结转下年度继续办理{q['T3:4:TOTAL']}件，均在法定期限内予以答复。")
    ar, al = q["T4:AR:TOTAL"], q["T4:AL:TOTAL"]
    if ar == 0 and al == 0:
        s += "全年未发生因政府信息公开引起的行政复议、行政诉讼案件。"
    else:
        s += f"因政府信息公开工作被申请行政复议{ar}件，被提起行政诉讼{al}件。"
    return s


def _proactive(rep: GeneratedReport, rng: random.Random) -> str:
    w = rep.agency.name
    code = "T2:20.1.2:made" if rep.version == "2021" else "T2:20.1.2:new_made"
    docs = rep.cells.get(code)
    s = (f"{w}坚持“以公开为常态、不公开为例外”，通过政府门户网站、政务新媒体等渠道主动公开政府信息"
         f"{rng.randint(20, 900)}条。")
    if docs:
        s += f"全年制发{'行政' if rep.version == '2021' else ''}规范性文件{docs:g}件，均按规定公开并同步发布政策解读。"
    return s


PARAGRAPHS = {
    "management": ("（三）政府信息管理。严格落实政府信息公开保密审查制度，明确公开属性源头认定，"
                   "动态更新政府信息公开指南和主动公开目录。",
                   "（三）政府信息管理。健全信息发布审核机制，严把政治关、法律关、保密关、文字关，"
                   "确保公开信息准确规范。"),
    "platform": ("（四）平台建设。持续优化政府信息公开专栏，规范栏目设置，及时更新各类公开内容，"
                 "提升平台的易用性和可及性。",
                 "（四）政府信息公开平台建设。加强政府网站和政务新媒体日常监测，及时整改发现的问题。"),
    "oversight": ("（五）监督保障。将政务公开工作纳入年度考核，加强业务培训，"
                  "未发生因政府信息公开工作被责任追究的情况。",
                  "（五）监督保障。明确分管领导和工作人员，定期开展自查，主动接受社会监督。"),
    "problems": ("{y}年政府信息公开工作取得了一定成效，但仍存在一些不足：一是公开内容的深度和广度有待拓展；"
                 "二是政策解读形式较为单一。下一步，{w}将进一步完善工作机制，丰富解读形式，"
                 "持续提升政务公开质量。",
                 "存在的主要问题：信息更新的及时性有待提高，工作人员业务能力需进一步加强。改进措施："
                 "加强业务培训，建立常态化检查机制，确保信息公开及时、准确、全面。"),
}


def sections(rep: GeneratedReport, text_year: int | None = None) -> dict[str, list[str]]:
    """Section code → paragraphs (S2–S4 hold the tables and get only optional lead-in text).

    ``text_year`` keys the wording choices: a copied report reuses the previous year's wording.
    """
    rng = stream(rep.agency.agency_id, "text", text_year or rep.year)
    w, y = we(rep), rep.year
    s1 = [
        f"{y}年，{w}认真贯彻落实《条例》和上级关于政务公开工作的部署要求，围绕中心工作，"
        "不断提升政府信息公开工作质量。",
        "（一）主动公开。" + _proactive(rep, rng),
        "（二）依申请公开。" + _applications(rep, rng),
        rng.choice(PARAGRAPHS["management"]),
        rng.choice(PARAGRAPHS["platform"]),
        rng.choice(PARAGRAPHS["oversight"]),
    ]
    s5 = [rng.choice(PARAGRAPHS["problems"]).format(y=y, w=w)]
    if y >= 2021:
        s6 = [f"{y}年，{w}未收取信息处理费。" if rng.random() < 0.8 else
              f"{y}年，{w}发出收费通知{rng.randint(1, 3)}件，实际收取信息处理费0元。"]
    else:
        s6 = ["无其他需要报告的事项。"]
    return {"S1": s1, "S2": [], "S3": [], "S4": [], "S5": s5, "S6": s6}
