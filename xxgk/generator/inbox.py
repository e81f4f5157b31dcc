"""``write_inbox``: generate, render and write a sample inbox plus ``truth/`` beside it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from .agencies import build_agencies
from .defects import DefectRates
from .generate import DEFAULT_MEDIA_MIX, generate_agency
from .html_render import render_html
from .report import GeneratedReport
from .rng import stream
from .text_render import render_glued, render_text
from .truth import truth_dict

RENDERERS = {"html": render_html, "html-gbk": render_html, "txt": render_text, "txt-glued": render_glued}
EXTENSIONS = {"html": ".html", "html-gbk": ".htm", "txt": ".txt", "txt-glued": ".txt"}


def render(rep: GeneratedReport) -> bytes:
    """The report's file bytes for its media."""
    return RENDERERS[rep.media](rep)


def relative_path(seed: int, rep: GeneratedReport) -> str:
    """Where the report goes in the inbox. Layouts vary on purpose: the inbox may be organised any way.

    Most files sit in ``<province>/<city>/<county>/`` under a title-like name; some agencies use a
    per-year subfolder, some crawler-style names (``t20200120_<n>.htm``).
    """
    a = rep.agency
    rng = stream(seed, "path", a.agency_id)
    style = rng.random()
    ext = EXTENSIONS[rep.media]
    folder = "/".join(a.folder)
    if style < 0.15:
        digest = int(hashlib.sha256(f"{seed}:{a.agency_id}:{rep.year}".encode()).hexdigest()[:8], 16)
        return f"{folder}/{rep.year}/t{rep.published_date:%Y%m%d}_{digest % 10**8:08d}{ext}"
    if style < 0.3:
        return f"{folder}/{a.name}/{rep.year}年度政府信息公开工作年度报告{ext}"
    return f"{folder}/{rep.title}{ext}"


def parse_years(spec: str | Iterable[int]) -> list[int]:
    """'2019-2024' or '2019,2021' or an iterable of ints → sorted list of years."""
    if not isinstance(spec, str):
        return sorted(set(spec))
    years: set[int] = set()
    for part in spec.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            years.update(range(int(lo), int(hi) + 1))
        elif part.strip():
            years.add(int(part))
    return sorted(years)


def generate_reports(*, seed: int, n_agencies: int, years: Iterable[int],
                     media_mix: Mapping[str, float] | None = None,
                     defect_rates: Mapping[str, float] | DefectRates | None = None) -> list[GeneratedReport]:
    """All reports (not written), agencies in hierarchy order, years ascending, with paths set."""
    rates = DefectRates.from_mapping(defect_rates)
    years = parse_years(years)
    out: list[GeneratedReport] = []
    seen: set[str] = set()
    for agency in build_agencies(seed, n_agencies):
        for rep in generate_agency(seed, agency, years, rates, media_mix or DEFAULT_MEDIA_MIX):
            rep.path = relative_path(seed, rep)
            name = rep.path.rsplit("/", 1)[-1]
            if name in seen:  # truth files are keyed by base name: keep them unique
                stem, dot, ext = name.rpartition(".")
                rep.path = rep.path[: -len(name)] + f"{stem}_{agency.agency_id}{dot}{ext}"
            seen.add(rep.path.rsplit("/", 1)[-1])
            out.append(rep)
    return out


def write_inbox(out_dir: str | Path, *, seed: int, n_agencies: int, years: str | Iterable[int],
                media_mix: Mapping[str, float] | None = None,
                defect_rates: Mapping[str, float] | DefectRates | None = None) -> list[Path]:
    """Write the reports under ``out_dir`` and ``out_dir/truth/<file name>.json``; return report paths.

    Deterministic: the same arguments give the same bytes.
    """
    root = Path(out_dir)
    truth_dir = root / "truth"
    truth_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for rep in generate_reports(seed=seed, n_agencies=n_agencies, years=years, media_mix=media_mix,
                                defect_rates=defect_rates):
        path = root / rep.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render(rep))
        truth = truth_dict(rep, seed)
        (truth_dir / f"{truth['file']}.json").write_text(
            json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written
