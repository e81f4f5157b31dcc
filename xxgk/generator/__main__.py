"""CLI: ``python -m xxgk.generator --out DIR --seed 1 --agencies 20 --years 2019-2024``."""

from __future__ import annotations

import argparse
import json
import sys

from .inbox import write_inbox


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m xxgk.generator", description=__doc__)
    ap.add_argument("--out", required=True, help="output folder (reports + truth/)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--agencies", type=int, default=20, help="number of reporting agencies")
    ap.add_argument("--years", default="2019-2024", help="'2019-2024' or '2019,2021'")
    ap.add_argument("--media-mix", default=None,
                    help='JSON weights over html, html-gbk, txt, txt-glued, pdf, docx, e.g. '
                         '\'{"html": 0.5, "html-gbk": 0.1, "txt": 0.1, "txt-glued": 0.1, "pdf": 0.1, "docx": 0.1}\'')
    ap.add_argument("--defect-rates", default=None,
                    help='JSON rates by kind, e.g. \'{"outcome_break": 0.1}\'; "none" for clean reports')
    ap.add_argument("--truth-dir", default=None, help="truth JSON folder (default OUT/truth)")
    ap.add_argument("--workers", type=int, default=1, help="render in this many processes (same bytes)")
    args = ap.parse_args(argv)
    rates = None
    if args.defect_rates == "none":
        from .defects import DefectRates
        rates = DefectRates.none()
    elif args.defect_rates:
        rates = json.loads(args.defect_rates)
    paths = write_inbox(args.out, seed=args.seed, n_agencies=args.agencies, years=args.years,
                        media_mix=json.loads(args.media_mix) if args.media_mix else None, defect_rates=rates,
                        truth_dir=args.truth_dir, workers=args.workers)
    print(f"wrote {len(paths)} reports and truth/ to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
