"""Build the reports of one agency for a range of years: figures, layout, defects, truth data.

Grain: ``generate_agency`` returns one ``GeneratedReport`` per requested year. Everything is drawn
from streams keyed by (seed, agency id, year), so a report does not depend on which other agencies or
years are generated alongside it (beyond the years it is chained to).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Mapping

from xxgk.template.model import T3_COLUMNS, load_format

from .agencies import Agency
from .defects import DefectRates, audit, break_carry, entry, inject_cells
from .numbers import FIRST_YEAR, YearValues, copy_year, draw_profile, simulate
from .observe import destroyed_cells, mark_history_unobservable, mark_unobservable
from .report import NUMBERING_STYLES, T4_LAYOUTS, GeneratedReport, Layout, format_value
from .rng import stream

DEFAULT_MEDIA_MIX: dict[str, float] = {"html": 0.6, "html-gbk": 0.15, "txt": 0.15, "txt-glued": 0.1}
MEDIA = ("html", "html-gbk", "txt", "txt-glued", "pdf", "docx")
LP_COLUMNS = ("LP_COM", "LP_RES", "LP_NGO", "LP_LAW", "LP_OTH")


def draw_layout(seed: int, agency: Agency) -> Layout:
    """The agency's habitual table layout (kept across years)."""
    rng = stream(seed, "layout", agency.agency_id)
    return Layout(
        t2_split=rng.random() < 0.3,
        t4_layout=rng.choices(T4_LAYOUTS, weights=(8, 1, 1))[0],
        lp_sub=rng.random() < 0.08,
        numbering=rng.choices(NUMBERING_STYLES, weights=(8, 2, 1))[0],
        delta_sign=rng.random() < 0.6,
    )


def draw_media(seed: int, agency: Agency, media_mix: Mapping[str, float]) -> str:
    unknown = set(media_mix) - set(MEDIA)
    if unknown:
        raise ValueError(f"unknown media {sorted(unknown)}; known: {MEDIA}")
    keys = [m for m in MEDIA if media_mix.get(m, 0) > 0]
    rng = stream(seed, "media", agency.agency_id)
    return rng.choices(keys, weights=[media_mix[k] for k in keys])[0]


def deadline(agency: Agency, year: int) -> dt.date:
    """Art. 49: departments by 1月31日, people's governments (and, leniently, townships) by 3月31日."""
    return dt.date(year + 1, 1, 31) if agency.kind == "department" else dt.date(year + 1, 3, 31)


def _published(rng: random.Random, agency: Agency, year: int, late: bool) -> dt.date:
    due = deadline(agency, year)
    if late:
        return due + dt.timedelta(days=rng.randint(1, 90))
    window = 25 if agency.kind == "department" else 45
    return due - dt.timedelta(days=rng.randint(0, window))


def generate_agency(seed: int, agency: Agency, years: Iterable[int], rates: DefectRates,
                    media_mix: Mapping[str, float] | None = None) -> list[GeneratedReport]:
    """The agency's reports for ``years`` (each ≥ 2019), defects injected and recorded."""
    wanted = sorted(set(years))
    if not wanted:
        return []
    if wanted[0] < FIRST_YEAR:
        raise ValueError(f"years before {FIRST_YEAR} use legacy formats and are not generated")
    emitted = set(wanted)
    decisions: dict[int, set[str]] = {}
    for y in wanted:
        rng = stream(seed, "yeardefects", agency.agency_id, y)
        kinds = set()
        prev_emitted = y - 1 in emitted
        if prev_emitted and rng.random() < rates.copy_prev:
            kinds.add("copy_prev")
        if prev_emitted and "copy_prev" not in kinds and rng.random() < rates.carry_break:
            kinds.add("carry_break")
        if y >= 2021 and rng.random() < rates.old_format:
            kinds.add("old_format")
        decisions[y] = kinds

    carry_notes: dict[int, str] = {}

    def hook(year: int, prev: YearValues | None, yv: YearValues) -> YearValues:
        kinds = decisions.get(year, set())
        if "copy_prev" in kinds and prev is not None:
            return copy_year(prev, year)
        if "carry_break" in kinds:
            yv, carry_notes[year] = break_carry(stream(seed, "carry", agency.agency_id, year), yv)
        return yv

    clean = simulate(seed, agency, wanted[-1], hook=hook)
    profile = draw_profile(seed, agency)
    layout = draw_layout(seed, agency)
    media = draw_media(seed, agency, media_mix or DEFAULT_MEDIA_MIX)
    out: list[GeneratedReport] = []
    prev_rep: GeneratedReport | None = None
    for y in wanted:
        kinds = decisions[y]
        rng = stream(seed, "defects", agency.agency_id, y)
        if "copy_prev" in kinds and prev_rep is not None and prev_rep.year == y - 1:
            rep, causes = _copy_report(prev_rep, y, clean[y], rng, rates), []
        else:
            version = "2019" if y < 2021 or "old_format" in kinds else "2021"
            rep, causes = _build(rng, agency, clean[y], version, layout, profile.proc_unit,
                                 profile.fee_decimals, rates)
        rep.media, rep.encoding = media, ("gbk" if media == "html-gbk" else "utf-8")
        if "carry_break" in kinds:
            # recorded by the audit only if the printed cells disagree (a defect of last year's printed
            # row 4, e.g. a balance break, can make them agree again)
            causes.append(({f"T3:2:{c}" for c in T3_COLUMNS}, f"injected carry break: {carry_notes.get(y, '')}"))
        if rep.version != rep.expected_version:
            rep.defects.append(entry("FORMAT-MISMATCH", [], f"{y} report printed on the {rep.version} tables "
                                     f"(expected {rep.expected_version})"))
        prev = prev_rep if prev_rep and prev_rep.year == y - 1 else None
        audit(rep, causes, prev, earlier_nonzero=any(any(r.cells.values()) for r in out))
        rep.unobservable = destroyed_cells(rep.cells, rep.markers, rep.media, rep.version, rep.layout.t4_layout)
        mark_unobservable(rep.defects, rep.unobservable, rep.cells, rep.version,
                          prev.unobservable if prev else None)
        mark_history_unobservable(rep, prev, out)
        out.append(rep)
        prev_rep = rep
    return out


def _copy_report(prev: GeneratedReport, year: int, clean: YearValues, rng: random.Random,
                 rates: DefectRates) -> GeneratedReport:
    rep = GeneratedReport(
        agency=prev.agency, year=year, version=prev.version, clean=clean, cells=dict(prev.cells),
        display=dict(prev.display), layout=prev.layout,
        published_date=_published(rng, prev.agency, year, rng.random() < rates.late),
        markers=dict(prev.markers), units=dict(prev.units), quotes=dict(prev.quotes),
        text_year=prev.text_year or prev.year,
    )
    rep.defects += [dict(d) for d in prev.defects if d["rule"] in ("P-BLANK-CELLS", "P-MARKER-CELLS", "P-ZERO")]
    rep.defects.append(entry("X-COPY", sorted(k for k in rep.cells if not k.endswith("LP_SUB")),
                             f"every T2/T3/T4 number identical to the {year - 1} report", "warn"))
    _late_entry(rep)
    return rep


def _late_entry(rep: GeneratedReport) -> None:
    due = deadline(rep.agency, rep.year)
    if rep.published_date > due:
        rep.defects.append(entry("P-LATE", [], f"published {rep.published_date.isoformat()} after the "
                                 f"deadline {due.isoformat()}", "warn"))


def _build(rng: random.Random, agency: Agency, yv: YearValues, version: str, layout: Layout,
           proc_unit: str, fee_decimals: int, rates: DefectRates
           ) -> tuple[GeneratedReport, list[tuple[set[str], str]]]:
    cells: dict[str, float | None] = dict(yv.cells(version, proc_unit))
    zero_fill = rng.random() < rates.zero_fill and any(
        v for k, v in cells.items() if k.startswith(("T3:", "T4:")))
    causes: list[tuple[set[str], str]] = []
    if zero_fill:
        cells = dict.fromkeys(cells, 0)
    else:
        causes = inject_cells(rng, cells, version, rates)
    if layout.lp_sub:
        for r in load_format(version).t3_numeric_rows():
            parts = [cells[f"T3:{r.code}:{c}"] for c in LP_COLUMNS]
            cells[f"T3:{r.code}:LP_SUB"] = sum(p or 0 for p in parts)
    zero_style = "0"
    draw = rng.random()
    if draw < rates.blank_zero:
        zero_style = "blank"
    elif draw < rates.blank_zero + rates.marker_zero:
        zero_style = rng.choice(("/", "—"))
    layout = Layout(layout.t2_split, layout.t4_layout, layout.lp_sub, layout.numbering, zero_style,
                    layout.delta_sign)
    rep = GeneratedReport(agency=agency, year=yv.year, version=version, clean=yv, cells=cells, display={},
                          layout=layout, published_date=_published(rng, agency, yv.year,
                                                                   rng.random() < rates.late))
    restyled = []
    for code, v in cells.items():
        if zero_style != "0" and code.startswith(("T3:", "T4:")) and v == 0:
            cells[code] = None
            restyled.append(code)
            if zero_style != "blank":
                rep.markers[code] = zero_style
    if code_unit := [k for k in cells if k.endswith(":proc_amount")]:
        rep.units[code_unit[0]] = proc_unit
    for code, v in cells.items():
        rep.display[code] = rep.markers.get(code) or format_value(
            code, v, unit=rep.units.get(code), delta_sign=layout.delta_sign, decimals=fee_decimals)
    if restyled:
        rule = "P-BLANK-CELLS" if zero_style == "blank" else "P-MARKER-CELLS"
        how = "blank" if zero_style == "blank" else f"as '{zero_style}'"
        rep.defects.append(entry(rule, restyled, f"{len(restyled)} zero cells printed {how} "
                                 "(truth null)", "warn"))
    if zero_fill:
        rep.defects.append(entry("P-ZERO", [], "zero-filled: every table cell printed 0 although the agency received "
                                 f"{yv.intake} applications (the narrative states the real counts)", "warn"))
    rep.quotes = _quotes(yv, cells, zero_fill)
    if rng.random() < rates.narrative:
        true = rep.quotes["T3:1:TOTAL"]
        # never new + carried-in: "共收到" may count carried-in applications, so that is no mismatch
        carried_in = {sum(yv.t3["2"].values()), int(cells.get("T3:2:TOTAL") or 0)}
        if true > 3:
            rep.quotes["T3:1:TOTAL"] = true + rng.choice([d for d in (-3, -2, -1, 1, 2, 5, 10) if d not in carried_in])
        else:
            rep.quotes["T3:1:TOTAL"] = true + next(d for d in (2, 3, 4) if d not in carried_in)
        causes.append(({"T3:1:TOTAL"}, f"injected narrative mismatch (true count {true})"))
    _late_entry(rep)
    return rep, causes


def _quotes(yv: YearValues, cells: Mapping[str, float | None], zero_fill: bool) -> dict[str, int]:
    """Numbers the narrative states: the printed ones (clean ones when blank or zero-filled)."""
    clean = yv.cells("2021")

    def pick(code: str) -> int:
        v = cells.get(code)
        return int(clean[code] if zero_fill or v is None else v)

    al = [pick("T4:AL_D:TOTAL"), pick("T4:AL_R:TOTAL")]
    return {"T3:1:TOTAL": pick("T3:1:TOTAL"), "T3:3.7:TOTAL": pick("T3:3.7:TOTAL"),
            "T3:4:TOTAL": pick("T3:4:TOTAL"), "T4:AR:TOTAL": pick("T4:AR:TOTAL"), "T4:AL:TOTAL": sum(al)}

