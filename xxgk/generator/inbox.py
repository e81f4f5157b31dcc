"""``write_inbox``: generate, render and write a sample inbox plus ``truth/`` beside it."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from .agencies import Agency, build_agencies
from .defects import DefectRates
from .generate import DEFAULT_MEDIA_MIX, generate_agency
from .html_render import render_html
from .quirks import apply_quirks, draw_quirks
from .report import GeneratedReport
from .rng import stream
from .text_render import render_glued, render_text
from .truth import truth_dict


def _render_pdf(rep: GeneratedReport) -> bytes:
    from .pdf_render import render_pdf

    return render_pdf(rep)


def _render_docx(rep: GeneratedReport) -> bytes:
    from .docx_render import render_docx  # python-docx is imported only when a DOCX is made

    return render_docx(rep)


RENDERERS = {"html": render_html, "html-gbk": render_html, "txt": render_text, "txt-glued": render_glued,
             "pdf": _render_pdf, "docx": _render_docx}
EXTENSIONS = {"html": ".html", "html-gbk": ".htm", "txt": ".txt", "txt-glued": ".txt", "pdf": ".pdf",
              "docx": ".docx"}


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


def iter_reports(*, seed: int, n_agencies: int, years: Iterable[int],
                 media_mix: Mapping[str, float] | None = None,
                 defect_rates: Mapping[str, float] | DefectRates | None = None,
                 agencies: Sequence[Agency] | None = None) -> Iterator[GeneratedReport]:
    """The reports one agency at a time (streaming), agencies in hierarchy order, years ascending.

    Paths are set but not yet made unique across agencies (``_unique_name`` does that in order).
    """
    rates = DefectRates.from_mapping(defect_rates)
    years = parse_years(years)
    for agency in agencies if agencies is not None else build_agencies(seed, n_agencies):
        for rep in generate_agency(seed, agency, years, rates, media_mix or DEFAULT_MEDIA_MIX):
            if rep.media in ("pdf", "docx"):  # binary media carry the layout/value quirks (issue 4)
                rep = apply_quirks(rep, draw_quirks(seed, rep))
            rep.path = relative_path(seed, rep)
            yield rep


def _unique_name(path: str, agency_id: str, seen: set[str]) -> str:
    """Truth files are keyed by base name: a second report with the same name gets the agency id."""
    name = path.rsplit("/", 1)[-1]
    if name in seen:
        stem, dot, ext = name.rpartition(".")
        path = path[: -len(name)] + f"{stem}_{agency_id}{dot}{ext}"
    seen.add(path.rsplit("/", 1)[-1])
    return path


def generate_reports(*, seed: int, n_agencies: int, years: Iterable[int],
                     media_mix: Mapping[str, float] | None = None,
                     defect_rates: Mapping[str, float] | DefectRates | None = None) -> list[GeneratedReport]:
    """All reports (not written), agencies in hierarchy order, years ascending, with paths set."""
    out: list[GeneratedReport] = []
    seen: set[str] = set()
    for rep in iter_reports(seed=seed, n_agencies=n_agencies, years=years, media_mix=media_mix,
                            defect_rates=defect_rates):
        rep.path = _unique_name(rep.path, rep.agency.agency_id, seen)
        out.append(rep)
    return out


# One rendered report on its way to disk: (agency id, relative path, file bytes, truth JSON text).
_Rendered = tuple[str, str, bytes, str]


def _truth_text(rep: GeneratedReport, seed: int) -> str:
    truth = truth_dict(rep, seed)
    if rep.media in ("pdf", "docx"):
        truth["meta"]["quirks"] = dataclasses.asdict(rep.quirks)
    return json.dumps(truth, ensure_ascii=False, indent=1) + "\n"


def _render_chunk(args: tuple[int, Sequence[Agency], list[int], Mapping[str, float] | None, DefectRates]
                  ) -> list[_Rendered]:
    """Worker: generate and render the reports of a few agencies (bytes and truth text)."""
    seed, agencies, years, media_mix, rates = args
    return [(rep.agency.agency_id, rep.path, render(rep), _truth_text(rep, seed))
            for rep in iter_reports(seed=seed, n_agencies=0, years=years, media_mix=media_mix,
                                    defect_rates=rates, agencies=agencies)]


def _renamed_truth(text: str, path: str) -> str:
    truth = json.loads(text)
    truth["file"] = path.rsplit("/", 1)[-1]
    truth["meta"]["path"] = path
    return json.dumps(truth, ensure_ascii=False, indent=1) + "\n"


def write_inbox(out_dir: str | Path, *, seed: int, n_agencies: int, years: str | Iterable[int],
                media_mix: Mapping[str, float] | None = None,
                defect_rates: Mapping[str, float] | DefectRates | None = None,
                truth_dir: str | Path | None = None, workers: int = 1,
                agencies_per_chunk: int = 100) -> list[Path]:
    """Write the reports under ``out_dir`` and ``<truth_dir>/<file name>.json``; return report paths.

    ``truth_dir`` defaults to ``out_dir/truth``; give a folder outside the inbox when the inbox is fed
    to the pipeline. Streaming: a few agencies are generated, rendered and written at a time, so memory
    stays flat at any size. ``workers`` > 1 renders in that many processes; files are still written
    in order, so the output is byte-identical whatever ``workers`` is. Deterministic: the same
    arguments give the same bytes.
    """
    root = Path(out_dir)
    truths = Path(truth_dir) if truth_dir is not None else root / "truth"
    truths.mkdir(parents=True, exist_ok=True)
    rates = DefectRates.from_mapping(defect_rates)
    year_list = parse_years(years)
    agencies = build_agencies(seed, n_agencies)
    chunks = [(seed, agencies[i : i + agencies_per_chunk], year_list, media_mix, rates)
              for i in range(0, len(agencies), agencies_per_chunk)]
    written: list[Path] = []
    seen: set[str] = set()
    made: set[Path] = set()

    def write(batch: list[_Rendered]) -> None:
        for agency_id, rel, data, truth in batch:
            final = _unique_name(rel, agency_id, seen)
            if final != rel:
                truth = _renamed_truth(truth, final)
            path = root / final
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            path.write_bytes(data)
            (truths / f"{final.rsplit('/', 1)[-1]}.json").write_text(truth, encoding="utf-8")
            written.append(path)

    if workers <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            write(_render_chunk(chunk))
        return written
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers) as pool:
        for batch in pool.imap(_render_chunk, chunks):
            write(batch)
    return written
