"""Row captures → :class:`ParsedCell` s of T2, T3 and T4, with glued runs split by the template's rules.

Each captured row becomes one or more candidate *readings* (one value per column): a row printed in
separate cells has exactly one; a glued run has every split that satisfies the row's rules (or, when
none does, every split, scored by how many rules it meets). Readings are then chosen across rows with
the rules that link rows (T3 column sums and the carry-over balance). Cells read directly get
confidence 1; recovered cells less; cells with several equally good readings get value None, their
alternatives and an ``ambiguous_glued_digits`` issue. Printed numbers are never changed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from xxgk.parsing.glued import (
    Choice,
    Reading,
    Rule,
    best_readings,
    blank_search_size,
    choose,
    split_run,
    split_with_blanks,
)
from xxgk.parsing.model import ParsedCell, ParseIssue
from xxgk.parsing.tables import STANDARD_T3_COLUMNS, Captures, RowCapture
from xxgk.parsing.values import UNITS, CellValue, normalize_cell_text, parse_cell
from xxgk.template.model import T4_BLOCKS, T4_COLUMNS, FormatModel

CONF_DIRECT = 1.0
CONF_GLUED_UNIQUE = 0.95
CONF_GLUED_CHOSEN = 0.85  # chosen among several row readings by the rules linking rows
CONF_RULES_BROKEN = 0.6  # best reading breaks some rules
CONF_AMBIGUOUS = 0.3

_T4_FLAT = tuple((b, c) for b in T4_BLOCKS for c in T4_COLUMNS)
_T4_RULES = tuple(Rule(tuple(range(5 * b, 5 * b + 4)), 5 * b + 4) for b in range(3))


@dataclass
class _Row:
    """One captured row with its candidate readings."""

    capture: RowCapture
    columns: tuple[str, ...]
    readings: list[Reading]
    direct: list[CellValue] | None = None  # the cells as printed when no splitting was needed
    glued: bool = False
    truncated: bool = False
    vanished: bool = False  # blank cells printed as nothing: readings place blanks, none is chosen


def _direct(texts: Sequence[str]) -> tuple[list[CellValue], Reading] | None:
    vals = [parse_cell(t) for t in texts]
    if not all(v.ok for v in vals):
        return None
    reading = Reading(tuple(v.value for v in vals), tuple(v.marker for v in vals), tuple(texts), 0, 0, 0)
    return vals, reading


def _trim(texts: Sequence[str], k: int) -> list[str]:
    """Drop blank cells at the edges while there are more cells than columns (layout padding)."""
    out = list(texts)
    while len(out) > k and not out[0].strip():
        out.pop(0)
    while len(out) > k and not out[-1].strip():
        out.pop()
    return out


def _split_unit(text: str) -> tuple[str, str | None]:
    s = text.rstrip()
    if not s or s[-1].isdigit():
        return s, None
    for u in UNITS:
        if s.endswith(u):
            return s[: -len(u)], u
    return s, None


@lru_cache(maxsize=4096)
def _direct_reading(texts: tuple[str, ...], rules: tuple[Rule, ...]) -> tuple[tuple[CellValue, ...], Reading] | None:
    """A row printed one value per cell: its cells and its one Reading (rules counted); None if a cell is
    not a value. (Cached: rows such as all zeros repeat across reports; the results are immutable.)"""
    vals = tuple(parse_cell(t) for t in texts)
    if not all(v.ok for v in vals):
        return None
    values = tuple(v.value for v in vals)
    ok = sum(1 for r in rules if r.holds(values))
    return vals, Reading(values, tuple(v.marker for v in vals), texts, 0, ok, len(rules))


def _read_row(
    cap: RowCapture,
    columns: tuple[str, ...],
    rules: Sequence[Rule],
    issues: list[ParseIssue],
    *,
    decimals: frozenset[int] = frozenset(),
    signed: frozenset[int] = frozenset(),
    accept=None,
) -> _Row | None:
    k = len(columns)
    texts = _trim(cap.cells, k)
    if len(texts) == k:
        got = _direct_reading(tuple(texts), tuple(rules))
        if got is not None:
            return _Row(cap, columns, [got[1]], direct=list(got[0]))
    where = f"{cap.table} row {cap.row}" + (f" ({cap.location})" if cap.location else "")
    joined = " ".join(t for t in texts if t.strip())
    if not joined:
        if not texts:
            issues.append(ParseIssue("cells", "warning", "missing_cells", "row printed without cells", where))
            return None
        # fewer blank cells than columns: every cell is blank
        blank = [parse_cell("")] * k
        return _Row(cap, columns, [Reading((None,) * k, (None,) * k, ("",) * k)], direct=blank)
    body, seg_units = _unit_segments(joined)
    # a printed sign is kept (a negative count is a defect the rules must see, not a parse failure)
    signed = frozenset(range(k))
    res = split_run(body, k, rules, decimals=decimals, signed=signed, accept=accept)
    readings = res.readings
    if not res.valid_run:
        issues.append(
            ParseIssue(
                "cells", "error", "unreadable_row", f"cells {texts!r} are neither {k} values nor a run of digits", where
            )
        )
        return None
    if not readings and rules:
        # No reading of every digit as a cell keeps the row's own sums. If blanks vanished from the
        # copy ('3413139' for 34,1,_,_,3,1,39), placing the printed numbers among fewer cells may keep
        # them: a rule-keeping placement is preferred over a reading that breaks the report's sums.
        vanished = _vanished_blanks(cap, columns, body, rules, decimals, signed, accept)
        if vanished is not None:
            return vanished
        res = split_run(
            body, k, rules, decimals=decimals, signed=signed, accept=accept, require_rules=False, max_readings=512
        )
        readings = best_readings(res.readings)
    if not readings and sum(ch.isdigit() for ch in body) < k:
        vanished = _vanished_blanks(cap, columns, body, rules, decimals, signed, accept)
        if vanished is not None:
            return vanished
    if not readings:
        issues.append(
            ParseIssue(
                "cells",
                "error",
                "cell_count_mismatch",
                f"{len(texts)} cells {texts!r} cannot be read as {k} values",
                where,
            )
        )
        return None
    if any(seg_units):
        readings = [_with_units(r, body, seg_units) for r in readings]
    return _Row(cap, columns, readings, glued=True, truncated=res.truncated)


MAX_VANISHED_READINGS = 64
BLANK_SEARCH_STEPS = 20_000  # split_with_blanks' bound


def _vanished_blanks(
    cap: RowCapture,
    columns: tuple[str, ...],
    body: str,
    rules: Sequence[Rule],
    decimals: frozenset[int],
    signed: frozenset[int],
    accept,
) -> _Row | None:
    """A glued row too short for its cells ('33' for 7): blank cells printed as nothing.

    Every placement of the printed numbers among the cells that satisfies the row's rules, when
    they are few and all were enumerated (so the truth is among them if blanks did vanish); else None.
    """
    if accept is None:
        # the bounded search below is futile when it would find no reading, too many, or hit its step bound
        # (then it returns None too): counted first, such a run is not searched
        size = blank_search_size(body, len(columns), tuple(rules), decimals, signed)
        if size is not None and (size[0] > BLANK_SEARCH_STEPS or not 0 < size[1] <= MAX_VANISHED_READINGS):
            return None
    res = split_with_blanks(
        body, len(columns), rules, decimals=decimals, signed=signed, accept=accept,
        max_readings=MAX_VANISHED_READINGS + 1, max_steps=BLANK_SEARCH_STEPS,
    )  # fmt: skip
    if res.truncated or not res.readings or len(res.readings) > MAX_VANISHED_READINGS:
        return None
    return _Row(cap, columns, res.readings, glued=True, vanished=True)


_INNER_UNIT = re.compile(r"(?<=[\d.])\s*(" + "|".join(UNITS) + r")\s*(?=[\d+\-/\\—–―─])")


def _unit_segments(joined: str) -> tuple[str, list[str | None]]:
    """A glued run with its units taken out: ('4|4|77', ['件', '件', '件']) for '4件4件77件'.

    A unit printed after a number closes that cell: it becomes a hard boundary ('|') for
    :func:`split_run`. Returns the run and, per '|'-separated segment, the unit that closed it.
    """
    body, last = _split_unit(joined)
    if not _INNER_UNIT.search(body):
        return body, [last]
    parts = _INNER_UNIT.split(body)  # digits, unit, digits, unit, ..., digits
    return "|".join(parts[0::2]), [*parts[1::2], last]


def _with_units(r: Reading, body: str, seg_units: list[str | None]) -> Reading:
    """The reading with each segment's unit appended to the cell that ends the segment."""
    ends: dict[int, str] = {}  # length of the run up to a segment's end (digits, no spaces) -> unit
    pos = 0
    for seg, u in zip(body.split("|"), seg_units, strict=True):
        pos += len(seg.replace(" ", ""))
        if u:
            ends[pos] = u
    texts, pos = [], 0
    for t in r.texts:
        pos += len(t)
        texts.append(t + ends[pos] if pos in ends else t)
    return Reading(r.values, r.markers, tuple(texts), r.space_penalty, r.rules_ok, r.rules_total)


def _emit(
    table: str,
    row_code: str,
    row: _Row,
    chosen: Reading | None,
    alternatives: list[Reading],
    cells: list[ParsedCell],
    issues: list[ParseIssue],
    broken: bool,
) -> None:
    if row.vanished:
        _emit_vanished(table, row_code, row, cells, issues)
        return
    if row.direct is not None and chosen is not None:
        cells += [
            ParsedCell(table, row_code, col, raw, cv.value, cv.is_blank, cv.marker, cv.unit)
            for col, raw, cv in zip(row.columns, row.readings[0].texts, row.direct, strict=True)
        ]
        return
    where = f"{table} row {row_code}" + (f" ({row.capture.location})" if row.capture.location else "")
    if chosen is not None:
        conf = CONF_GLUED_UNIQUE if len(row.readings) == 1 else CONF_GLUED_CHOSEN
        if broken:
            conf = CONF_RULES_BROKEN
        for i, col in enumerate(row.columns):
            raw = chosen.texts[i]
            _, unit = _split_unit(raw)
            cells.append(ParsedCell(table, row_code, col, raw, chosen.values[i], False, chosen.markers[i], unit, conf))
        return
    # ambiguous: several readings fit equally well
    options = alternatives or row.readings
    issues.append(
        ParseIssue(
            "cells",
            "warning",
            "ambiguous_glued_digits",
            f"run {' '.join(row.capture.cells)!r} has {len(options)} readings that fit equally: "
            + "; ".join(",".join(r.texts) for r in options[:8]),
            where,
        )
    )
    raw_run = " ".join(row.capture.cells)
    for i, col in enumerate(row.columns):
        distinct = sorted({r.values[i] for r in options if r.values[i] is not None})
        markers = {r.markers[i] for r in options}
        if len(distinct) == 1 and len(markers) == 1 and all(r.values[i] is not None for r in options):
            cells.append(
                ParsedCell(
                    table,
                    row_code,
                    col,
                    raw_run,
                    distinct[0],
                    False,
                    None,
                    None,
                    CONF_GLUED_CHOSEN if not broken else CONF_RULES_BROKEN,
                )
            )
        else:
            cells.append(
                ParsedCell(table, row_code, col, raw_run, None, False, None, None, CONF_AMBIGUOUS, tuple(distinct))
            )


def _emit_vanished(table: str, row_code: str, row: _Row, cells: list[ParsedCell], issues: list[ParseIssue]) -> None:
    """Cells of a row whose blanks vanished: no value (never guessed), the candidate values kept."""
    where = f"{table} row {row_code}" + (f" ({row.capture.location})" if row.capture.location else "")
    raw_run = " ".join(row.capture.cells)
    issues.append(
        ParseIssue(
            "cells", "warning", "ambiguous_glued_digits",
            f"run {raw_run!r} is too short for {len(row.columns)} cells: blank cells printed as nothing; "
            f"{len(row.readings)} placements fit: " + "; ".join(",".join(r.texts) for r in row.readings[:8]),
            where,
        )
    )  # fmt: skip
    for i, col in enumerate(row.columns):
        distinct = tuple(sorted({r.values[i] for r in row.readings if r.values[i] is not None}))
        cells.append(ParsedCell(table, row_code, col, raw_run, None, False, None, None, CONF_AMBIGUOUS, distinct))


# --- T3 ----------------------------------------------------------------------------------------------
@lru_cache(maxsize=64)
def _t3_rules(columns: tuple[str, ...]) -> tuple[Rule, ...]:
    idx = {c: i for i, c in enumerate(columns)}
    applicants = ("NP", "LP_COM", "LP_RES", "LP_NGO", "LP_LAW", "LP_OTH")
    rules = [Rule(tuple(idx[c] for c in applicants), idx["TOTAL"])]
    if "LP_SUB" in idx:
        rules.append(Rule(tuple(idx[c] for c in applicants[1:]), idx["LP_SUB"]))
    return tuple(rules)


@dataclass(frozen=True)
class _FormatFacts:
    """What the resolvers read from a format on every report, derived once per format."""

    fmt: FormatModel  # kept so that its id is not reused while the facts are cached
    t3_leaves: tuple[str, ...]  # fmt.t3_outcome_leaves()
    t3_numeric: tuple[str, ...]  # codes of fmt.t3_numeric_rows()
    # T2 row code -> (column codes, decimal column indices, signed column indices), as fmt.row gives it
    t2_rows: dict[str, tuple[tuple[str, ...], frozenset[int], frozenset[int]]]


_FACTS: dict[int, _FormatFacts] = {}


def _facts(fmt: FormatModel) -> _FormatFacts:
    got = _FACTS.get(id(fmt))
    if got is not None and got.fmt is fmt:
        return got
    t2_rows: dict[str, tuple[tuple[str, ...], frozenset[int], frozenset[int]]] = {}
    for spec in fmt.rows:
        if spec.table != "T2" or spec.code in t2_rows:
            continue  # fmt.row gives the first row of a code
        types = [c.value_type for c in spec.columns]
        t2_rows[spec.code] = (
            tuple(c.code for c in spec.columns),
            frozenset(i for i, t in enumerate(types) if t.startswith("money")),
            frozenset(i for i, t in enumerate(types) if t == "signed_count"),
        )
    got = _FormatFacts(fmt, fmt.t3_outcome_leaves(), tuple(r.code for r in fmt.t3_numeric_rows()), t2_rows)
    if len(_FACTS) >= 16:  # formats are few and loaded once; bound it anyway
        _FACTS.clear()
    _FACTS[id(fmt)] = got
    return got


def _lp_sub_layout(rows: list[RowCapture]) -> tuple[str, ...]:
    """Where an unlabelled 8th column sits: the position whose cells equal the five LP cells' sum."""
    after_oth = (*STANDARD_T3_COLUMNS[:6], "LP_SUB", "TOTAL")
    after_np = ("NP", "LP_SUB", *STANDARD_T3_COLUMNS[1:])
    scores = {after_oth: 0, after_np: 0}
    for layout in scores:
        for cap in rows:
            cells = _trim(cap.cells, 7)
            got = _direct(cells) if len(cells) == 8 else None
            if got is None:
                continue
            v = got[1].values
            if _t3_rules(layout)[1].holds(v):
                scores[layout] += 1
    return max(scores, key=lambda lay: scores[lay])


def resolve_t3(caps: Captures, fmt: FormatModel, issues: list[ParseIssue]) -> list[ParsedCell]:
    """T3 cells from the captured rows (first capture of a row wins; duplicates are reported)."""
    columns = caps.t3_columns or STANDARD_T3_COLUMNS
    rows_by_code: dict[str, RowCapture] = {}
    subtotals: list[RowCapture] = []
    for cap in caps.t3:
        if cap.kind == "subtotal":
            subtotals.append(cap)
            continue
        if cap.row in rows_by_code:
            issues.append(
                ParseIssue(
                    "tables",
                    "warning",
                    "duplicate_row",
                    f"T3 row {cap.row} printed twice; the first is kept",
                    cap.location,
                )
            )
            continue
        rows_by_code[cap.row] = cap
    if "LP_SUB" not in columns and any(len(_trim(c.cells, 7)) == 8 for c in rows_by_code.values()):
        columns = _lp_sub_layout(list(rows_by_code.values()))
    if "LP_SUB" in columns:
        issues.append(
            ParseIssue(
                "tables", "info", "nonstandard_column", "T3 has a 法人或其他组织 小计 column (LP_SUB)", "T3 header"
            )
        )
    rules = _t3_rules(columns)
    rows: dict[str, _Row] = {}
    for code, cap in rows_by_code.items():
        r = _read_row(cap, columns, rules, issues)
        if r is not None:
            rows[code] = r
    std_idx = [columns.index(c) for c in STANDARD_T3_COLUMNS]
    facts = _facts(fmt)
    leaves = [c for c in facts.t3_leaves if c in rows]
    if fmt.version == "2021" and "3.6" in rows and not any(c in rows for c in ("3.6.1", "3.6.2", "3.6.3")):
        leaves.append("3.6")
        issues.append(
            ParseIssue(
                "tables",
                "warning",
                "v2021_single_other_row",
                "（六）其他处理 printed as one row, not the three 2021 sub-rows",
                "T3 row 3.6",
            )
        )
    if fmt.version == "2019" and any(c in rows for c in ("3.6.1", "3.6.2", "3.6.3")):
        leaves += [c for c in ("3.6.1", "3.6.2", "3.6.3") if c in rows]

    # a row whose blanks vanished has no value: the rules it takes part in say nothing
    unknown = {code for code, r in rows.items() if r.vanished}
    sum_rule = "3.7" not in unknown and not unknown.intersection(leaves)
    balance_rule = not unknown.intersection(("1", "2", "3.7", "4"))

    def score(assign: dict[str, Reading]) -> tuple[int, int]:
        # per standard column: Σ leaves == 3.7 and 1 + 2 == 3.7 + 4 (absent, blank or marker count as 0)
        ok = total = 0
        if sum_rule and leaves and "3.7" in assign:
            addends = [assign[c].values for c in leaves if c in assign]
            result = assign["3.7"].values
            for i in std_idx:
                x = result[i]
                ok += sum([0.0 if (y := a[i]) is None else y for a in addends]) == (0.0 if x is None else x)
            total += len(std_idx)
        if balance_rule and "1" in assign and "2" in assign and "3.7" in assign and "4" in assign:
            r1, r2, r37, r4 = (assign[c].values for c in ("1", "2", "3.7", "4"))
            for i in std_idx:
                a, b, c, d = r1[i], r2[i], r37[i], r4[i]
                ok += (0.0 if a is None else a) + (0.0 if b is None else b) == (0.0 if c is None else c) + (
                    0.0 if d is None else d
                )
            total += len(std_idx)
        return ok, total

    choice = choose({code: r.readings for code, r in rows.items() if not r.vanished}, score)
    cells: list[ParsedCell] = []
    broken = choice.score < choice.max_score and any(r.glued for r in rows.values())
    if broken:
        issues.append(
            ParseIssue(
                "cells",
                "warning",
                "glued_rules_violated",
                f"no split of the glued T3 rows satisfies every rule ({choice.score} of "
                f"{choice.max_score} column rules hold); the best reading is kept",
                "T3",
            )
        )
    _truncation(choice, rows, issues, "T3")
    for code, r in rows.items():
        chosen = choice.chosen.get(code)
        row_broken = broken and r.glued and (chosen is None or not chosen.consistent or len(r.readings) > 1)
        _emit("T3", code, r, chosen, choice.alternatives.get(code, []), cells, issues, row_broken)
    for cap in subtotals:
        r = _read_row(cap, columns, rules, issues)
        if r is None:
            continue
        issues.append(
            ParseIssue(
                "tables",
                "info",
                "nonstandard_subtotal_row",
                f"T3 group {cap.row} has its own 小计/合计 row",
                cap.location,
            )
        )
        best = best_readings(r.readings)
        _emit("T3", cap.row, r, best[0] if len(best) == 1 else None, best, cells, issues, False)
    missing = [c for c in facts.t3_numeric if c not in rows]
    if fmt.version == "2021" and "3.6" in rows:
        missing = [c for c in missing if c not in ("3.6.1", "3.6.2", "3.6.3")]
    if missing and rows:
        issues.append(ParseIssue("tables", "warning", "missing_rows", f"T3 rows not found: {', '.join(missing)}", "T3"))
    return cells


def _truncation(choice: Choice, rows: dict[str, _Row], issues: list[ParseIssue], table: str) -> None:
    if choice.truncated or any(r.truncated for r in rows.values()):
        issues.append(
            ParseIssue(
                "cells",
                "info",
                "glued_search_bounded",
                "the glued-digit search hit its bound; some readings were not tried",
                table,
            )
        )


# --- T4 ----------------------------------------------------------------------------------------------
def resolve_t4(caps: Captures, issues: list[ParseIssue]) -> list[ParsedCell]:
    """T4 cells: one row of 15, three blocks of 5, or one glued run (three 总计 rules)."""
    cells: list[ParsedCell] = []
    if not caps.t4:
        return cells
    blocks = {c.row: c for c in caps.t4 if c.row in T4_BLOCKS}
    if blocks:
        rows: dict[str, _Row] = {}
        for b, cap in blocks.items():
            r = _read_row(cap, T4_COLUMNS, [Rule((0, 1, 2, 3), 4)], issues)
            if r is not None:
                rows[b] = r
        for b, r in rows.items():
            best = best_readings(r.readings)
            chosen = best[0] if len(best) == 1 else None
            _emit("T4", b, r, chosen, best, cells, issues, bool(chosen and not chosen.consistent and r.glued))
        return cells
    cap = caps.t4[0]
    cols = tuple(f"{b}:{c}" for b, c in _T4_FLAT)
    r = _read_row(cap, cols, _T4_RULES, issues)
    if r is None:
        return cells
    best = best_readings(r.readings)
    chosen = best[0] if len(best) == 1 else None
    broken = bool(r.glued and chosen is not None and not chosen.consistent)
    if broken:
        issues.append(
            ParseIssue(
                "cells",
                "warning",
                "glued_rules_violated",
                "no split of the glued T4 run satisfies all three 总计 rules",
                "T4",
            )
        )
    tmp: list[ParsedCell] = []
    _emit("T4", "*", r, chosen, best, tmp, issues, broken)
    for c in tmp:
        block, col = c.col_code.split(":")
        c.row_code, c.col_code = block, col
        cells.append(c)
    return cells


# --- T2 ----------------------------------------------------------------------------------------------
# Counts of T2 (一) quoted in the narrative ('现行有效行政规范性文件698件', '制发行政规范性文件62件'):
# (column kind, row, pattern). Used only to pick among equally fitting readings of a glued run.
_DOC = r"(?:的)?(?:行政)?规范性文件"
_T2_EVIDENCE: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("valid", "20.1.2", re.compile(rf"现行有效{_DOC}(?:共|达)?(\d+)件")),
    ("made", "20.1.2", re.compile(rf"(?:本年度?|全年)?(?:制发|新制作|印发){_DOC}(?:共|达)?(\d+)件")),
    ("valid", "20.1.1", re.compile(r"现行有效(?:的)?规章(?:共|达)?(\d+)件")),
    ("made", "20.1.1", re.compile(r"(?:制发|新制作|制定)(?:的)?规章(?:共|达)?(\d+)件")),
)
_COL_KIND = {"made": "made", "new_made": "made", "valid": "valid"}


def _narrative_evidence(text: str, row: str, cols: tuple[str, ...]) -> dict[int, set[float]]:
    """Column index → the values the narrative quotes for that T2 (一) column (all mentions)."""
    out: dict[int, set[float]] = {}
    if not text:
        return out
    for kind, r, pat in _T2_EVIDENCE:
        if r != row:
            continue
        for i, col in enumerate(cols):
            if _COL_KIND.get(col) == kind:
                vals = {float(m.group(1)) for m in pat.finditer(text)}
                if vals:
                    out.setdefault(i, set()).update(vals)
    return out


def _pick_by_evidence(readings: list[Reading], evidence: dict[int, set[float]]) -> Reading | None:
    """The one reading agreeing with every quoted figure; None when none or several do."""
    if not evidence:
        return None
    fits = [r for r in readings if all(r.values[i] in vals for i, vals in evidence.items())]
    return fits[0] if len(fits) == 1 else None


def resolve_t2(caps: Captures, fmt: FormatModel, issues: list[ParseIssue], text: str = "") -> list[ParsedCell]:
    """T2 cells, columns by position within each row of the detected format.

    A glued run with several equally fitting readings is resolved only by unique evidence: the one
    reading that agrees with the counts the narrative quotes for that row (``text``); its cells keep
    the other readings as ``alternatives``. Otherwise the cells stay flagged as ambiguous.
    """
    cells: list[ParsedCell] = []
    seen: set[str] = set()
    t2_rows = _facts(fmt).t2_rows
    for cap in caps.t2:
        if cap.row in seen:
            continue
        spec = t2_rows.get(cap.row)
        if spec is None:
            issues.append(
                ParseIssue(
                    "tables",
                    "warning",
                    "row_not_in_format",
                    f"T2 row {cap.label or cap.row} is not in the {fmt.version} format",
                    cap.location,
                )
            )
            continue
        seen.add(cap.row)
        cols, decimals, signed = spec
        accept = None
        if fmt.version == "2019" and cols == ("new_made", "new_pub", "total_pub"):

            def accept(v, _i=1, _j=2) -> bool:  # cumulative disclosed ≥ newly disclosed
                return v[_i] is None or v[_j] is None or v[_j] >= v[_i]

        r = _read_row(cap, cols, (), issues, decimals=decimals, signed=signed, accept=accept)
        if r is None:
            continue
        chosen = r.readings[0] if len(r.readings) == 1 else None
        if chosen is None and r.direct is None and not r.vanished:
            picked = _pick_by_evidence(r.readings, _narrative_evidence(text, cap.row, cols))
            if picked is not None:
                start = len(cells)
                _emit("T2", cap.row, r, picked, [], cells, issues, False)
                for i, c in enumerate(cells[start:]):
                    others = sorted({x.values[i] for x in r.readings if x.values[i] is not None} - {c.value})
                    c.alternatives = tuple(others)  # type: ignore[arg-type]
                    c.confidence = CONF_GLUED_CHOSEN
                issues.append(ParseIssue(
                    "cells", "info", "glued_resolved_by_narrative",
                    f"run {' '.join(cap.cells)!r}: {len(r.readings)} readings fit; the narrative's figures "
                    f"leave only {','.join(picked.texts)}",
                    f"T2 row {cap.row} ({cap.location})",
                ))  # fmt: skip
                continue
        _emit("T2", cap.row, r, chosen, r.readings if chosen is None else [], cells, issues, False)
    return cells


def normalize_raw(text: str) -> str:
    return normalize_cell_text(text)
