"""A corpus of broken, hostile and non-report inbox files, generated (never checked in).

``write_bad_inputs(folder)`` writes every file of :data:`CASES` under ``folder/bad/`` and returns
what each one must produce: the stage and one of the accepted codes of its ``ingest_errors`` row,
and whether a report must still be loaded from it (a report missing T3 is loaded with an error row;
a zip bomb is not). ``write_hostile_manifest`` adds manifest lines that try to escape the inbox,
inject SQL and name files that do not exist.

Everything is small except the optional 200 MB file, which is sparse (no disk blocks written).
"""

from __future__ import annotations

import io
import os
import random
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tests.docs_factory import bomb_docx, ole2_bytes, scanned_pdf, split_t3_pdf, t3_docx, xxe_docx

HUGE_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class BadFile:
    """What one bad file must produce in the warehouse."""

    path: str  # relative to the inbox
    expect: frozenset[tuple[str, str]]  # accepted (stage, code) of the explaining ingest_errors row
    loads: bool = False  # a report is still loaded from it (with the error row beside it)
    what: str = ""


def _base_report(work: Path, year: int = 2021, seed: int = 4242) -> bytes:
    """One generated HTML report (national template, clean) as bytes."""
    from dataclasses import fields

    from xxgk.generator import write_inbox
    from xxgk.generator.defects import DefectRates

    clean = DefectRates(**{f.name: 0.0 for f in fields(DefectRates)})
    out = work / f"_base_{seed}_{year}"
    paths = write_inbox(out, seed=seed, n_agencies=1, years=[year], media_mix={"html": 1.0}, defect_rates=clean)
    return paths[0].read_bytes()


_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)


def _t3_table(html: str) -> re.Match[str]:
    for m in _TABLE.finditer(html):
        if "本年新收" in m.group(0) and "予以公开" in m.group(0):
            return m
    raise AssertionError("generated report has no T3 table")


def without_t3(html: str) -> str:
    """The report with its T3 table removed (the section heading stays)."""
    m = _t3_table(html)
    return html[: m.start()] + "<p>（表格略）</p>" + html[m.end() :]


def with_extra_columns(html: str) -> str:
    """T3 with two extra trailing columns in every row (a 备注 column and an empty one)."""
    m = _t3_table(html)
    table = m.group(0)
    first = [True]

    def add(row: re.Match[str]) -> str:
        extra = "<td>备注</td><td></td>" if first[0] else "<td>见说明</td><td>&nbsp;</td>"
        first[0] = False
        return row.group(0)[: -len("</tr>")] + extra + "</tr>"

    table = re.sub(r"<tr\b.*?</tr>", add, table, flags=re.S | re.I)
    return html[: m.start()] + table + html[m.end() :]


# Simplified → traditional for the characters of the template labels (enough to write a 繁體 report).
_S2T = str.maketrans(
    "新收请数结转办处开部门国家秘关联内务过程执法调查询读书刊没现让补应对复审议维纠诉总计与业组织"
    "机构务权违负责独认据网页费缴纳时间项达发规范许强制采购额类数况个为导线实质进体报问题改并"
    "届满应当无经专门单产检测设计划传统编还适独对费积极资动态标准户问题",
    "新收請數結轉辦處開部門國家秘關聯內務過程執法調查詢讀書刊沒現讓補應對復審議維糾訴總計與業組織"
    "機構務權違負責獨認據網頁費繳納時間項達發規範許強制採購額類數況個為導線實質進體報問題改並"
    "屆滿應當無經專門單產檢測設計劃傳統編還適獨對費積極資動態標準戶問題",
)


def to_traditional(html: str) -> str:
    """Every table of the report written in traditional characters (labels and headers)."""
    return _TABLE.sub(lambda m: m.group(0).translate(_S2T), html)


def _docx_zip_truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _nested_html(depth: int = 100_000) -> bytes:
    return ("<html><body>" + "<div>" * depth + "深" + "</div>" * depth + "</body></html>").encode()


def _entity_expansion_html() -> bytes:
    lol = '<!DOCTYPE html [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
    )
    return (lol + "]><html><body><p>&j;</p><table><tr><td>&j;</td></tr></table></body></html>").encode()


def _script_only_html() -> bytes:
    return (
        "<html><head><script>document.write('<table><tr><td>本年新收政府信息公开申请数量</td></tr></table>')"
        "</script></head><body onload=\"fetch('http://127.0.0.1:1/x')\"><script>while(true){}</script>"
        "<iframe src='file:///etc/passwd'></iframe><p>页面加载中……</p></body></html>"
    ).encode()


def _with_scripts(html: str) -> str:
    """A good report carrying scripts, event handlers and an object (must load; scripts ignored)."""
    inject = (
        "<script>alert(document.cookie);var t='本年新收政府信息公开申请数量 999 999';</script>"
        "<img src=x onerror=\"alert(1)\"><object data='file:///etc/passwd'></object>"
    )
    return html.replace("<body>", "<body>" + inject, 1) if "<body>" in html else inject + html


def _garbage(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


def _zip_not_docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "not a word document")
    return buf.getvalue()


def _make_huge(path: Path, size: int = HUGE_BYTES) -> None:
    """A sparse file of ``size`` bytes: an HTML head, then holes (no blocks written)."""
    with path.open("wb") as f:
        f.write(b"<html><body><p>")
        f.truncate(size)


def write_bad_inputs(inbox: Path, *, huge: bool = False, sub: str = "bad") -> list[BadFile]:
    """Write the bad-input corpus under ``inbox/sub`` and return what each file must produce."""
    folder = inbox / sub
    folder.mkdir(parents=True, exist_ok=True)
    work = inbox.parent / f".{inbox.name}-bad-work"
    work.mkdir(exist_ok=True)
    base = _base_report(work).decode("utf-8")
    base_docx = t3_docx(
        [
            ("一、本年新收政府信息公开申请数量", ["3", "0", "0", "0", "0", "0", "3"]),
            ("（一）予以公开", ["3", "0", "0", "0", "0", "0", "3"]),
        ]
    )
    out: list[BadFile] = []

    def put(name: str, data: bytes, stage: str, codes: set[str], *, loads: bool = False, what: str = "") -> None:
        (folder / name).write_bytes(data)
        expect = {(st, c) for st in stage.split("|") for c in codes}
        out.append(BadFile(f"{sub}/{name}", frozenset(expect), loads, what))

    put("truncated.html", base.encode()[: len(base.encode()) // 3], "tables", {"missing_table"},
        loads=True, what="HTML cut before T3 (its T2 is loaded, partial)")
    put("truncated.pdf", split_t3_pdf()[:900], "read", {"corrupt", "read_error"}, what="PDF cut after 900 bytes")
    put("truncated.docx", _docx_zip_truncated(base_docx), "read", {"corrupt"}, what="DOCX zip cut in half")
    put("empty.html", b"", "read", {"empty_file"}, what="zero bytes")
    put("blank.txt", b" \r\n\t \n", "read", {"empty_file"}, what="whitespace only")
    put("garbage.bin", _garbage(4096, 1), "read", {"unsupported_media"}, what="random bytes, unknown extension")
    put("garbage.html", b"\x00\xff" + _garbage(4096, 2), "decode", {"undecodable"}, what="random bytes named .html")
    put("garbage.pdf", b"%PDF-1.7\n" + _garbage(4096, 3), "read", {"corrupt", "read_error"},
        what="PDF header then random bytes")
    put("notes.pdf", "会议纪要：本周无事。\n".encode(), "read", {"unsupported_format"}, what="plain text named .pdf")
    put("legacy.doc", ole2_bytes(), "read", {"unsupported_media", "unsupported_format"}, what="OLE2 .doc")
    put("archive.docx", _zip_not_docx(), "read", {"corrupt", "unsupported_format"}, what="zip that is not a DOCX")
    put("scan.pdf", scanned_pdf(2), "read", {"needs_ocr"}, what="scanned PDF (images only)")
    put("bomb.docx", bomb_docx(base_docx), "read", {"unsafe"}, what="DOCX zip bomb (~1000:1)")
    put("xxe.docx", xxe_docx(base_docx), "read", {"unsafe"}, what="DOCX with an external entity (XXE)")
    put("scripts_only.html", _script_only_html(), "tables", {"not_a_report", "no_tables"},
        what="scripts, event handlers, iframe; no report")
    put("nested.html", _nested_html(), "read", {"too_deeply_nested"},
        what="100k nested <div>")
    put("entities.html", _entity_expansion_html(), "tables", {"not_a_report"},
        what="billion-laughs DOCTYPE in HTML")
    put("cat.jpg.html", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + _garbage(2000, 4), "decode",
        {"undecodable"}, what="a JPEG named .html")
    put("minutes.txt", "党支部学习会议记录\n时间：2020年5月\n内容：学习文件。\n".encode(), "tables",
        {"not_a_report"}, what="a text file that is not a report")
    put("seed_named.docx", "本年新收政府信息公开申请数量\n\t3\n".encode(), "read", {"unsupported_format"},
        what="a text copy named .docx")
    put("missing_t3.html", without_t3(base).encode(), "tables", {"missing_table"}, loads=True,
        what="report without table 3 (T2, T4 loaded)")
    if huge:
        _make_huge(folder / "huge.html")
        out.append(BadFile(f"{sub}/huge.html", frozenset({("read", "file_too_large")}), False, "200 MB (sparse)"))
    return out


def write_odd_but_good(inbox: Path, *, sub: str = "odd") -> dict[str, bytes]:
    """Reports that look wrong but must load: wrong extension, scripts inside, extra T3 columns,
    traditional-character labels. Returns path → base bytes for comparison."""
    folder = inbox / sub
    folder.mkdir(parents=True, exist_ok=True)
    work = inbox.parent / f".{inbox.name}-bad-work"
    work.mkdir(exist_ok=True)
    base = _base_report(work, year=2019, seed=77).decode("utf-8")
    files = {
        "report_named.pdf": base.replace("本年新收", "本年新收", 1),
        "with_scripts.html": _with_scripts(base),
        "extra_columns.html": with_extra_columns(base),
        "traditional.html": to_traditional(base),
    }
    out: dict[str, bytes] = {}
    for name, text in files.items():
        data = text.encode("utf-8")
        (folder / name).write_bytes(data)
        out[f"{sub}/{name}"] = data
    return out


def write_hostile_manifest(inbox: Path, good_rel: str, sql_agency: str) -> list[tuple[str, str]]:
    """Append manifest lines: traversal, absolute path, a missing file, SQL in an agency name.

    Returns (code, path given) pairs the manifest must produce in ingest_errors.
    """
    manifest = inbox / "manifest.csv"
    header = ["file,agency,region,level,year"]
    lines = manifest.read_text(encoding="utf-8").splitlines() if manifest.exists() else header
    hostile = [
        ("manifest_path_outside_inbox", "../../etc/passwd"),
        ("manifest_path_outside_inbox", "/etc/passwd"),
        ("manifest_path_outside_inbox", "bad/../../../../etc/shadow"),
        ("manifest_missing_file", "nowhere/does_not_exist.html"),
    ]
    for _code, p in hostile:
        lines.append(f'"{p}",某局,某市,county,2019')
    quoted = sql_agency.replace('"', '""')
    lines.append(f'"{good_rel}","{quoted}",江苏省南通市,city,2019')
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return hostile


def remove_tree(path: Path) -> None:
    """Delete a folder written here (the sparse file included)."""
    if not path.exists():
        return
    for dirpath, _dirs, files in os.walk(path, topdown=False):
        for f in files:
            Path(dirpath, f).unlink()
        Path(dirpath).rmdir()
