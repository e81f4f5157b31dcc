"""Analyst CLI for review decisions.

    python -m xxgk.rules.cli review --db data/warehouse.duckdb --finding ID --decision dismissed --note "..."
    python -m xxgk.rules.cli import-csv --db data/warehouse.duckdb --csv reviewed.csv
    python -m xxgk.rules.cli export-csv --db data/warehouse.duckdb --csv findings.csv [--year 2023]
"""

from __future__ import annotations

import argparse
import sys

import duckdb

from xxgk.rules.aggregates import refresh_aggregates
from xxgk.rules.reviews import DECISIONS, apply_reviews_csv, export_findings_csv, record_decision


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m xxgk.rules.cli", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("review", help="record one decision")
    r.add_argument("--db", required=True)
    r.add_argument("--finding", required=True, help="finding_id (stable fingerprint)")
    r.add_argument("--decision", required=True, choices=DECISIONS)
    r.add_argument("--note", default="")
    r.add_argument("--reviewer", default=None)
    i = sub.add_parser("import-csv", help="record the decisions of a reviewed CSV")
    i.add_argument("--db", required=True)
    i.add_argument("--csv", required=True)
    e = sub.add_parser("export-csv", help="write findings with their decisions to a CSV")
    e.add_argument("--db", required=True)
    e.add_argument("--csv", required=True)
    e.add_argument("--year", type=int, action="append")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = _parser().parse_args(argv)
    con = duckdb.connect(args.db)
    try:
        if args.command == "review":
            known = con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'check_findings'"
            ).fetchall()
            if known and known[0][0]:
                hit = con.execute(
                    "SELECT count(*) FROM check_findings WHERE finding_id = ?", [args.finding]
                ).fetchall()
                if not hit or not hit[0][0]:
                    print(f"warning: finding {args.finding} is not in check_findings now", file=sys.stderr)
            record_decision(con, args.finding, args.decision, args.note, args.reviewer)
            refresh_aggregates(con)
            print(f"recorded {args.decision} for {args.finding}")
        elif args.command == "import-csv":
            n = apply_reviews_csv(con, args.csv)
            refresh_aggregates(con)
            print(f"recorded {n} decisions from {args.csv}")
        else:
            n = export_findings_csv(con, args.csv, args.year)
            print(f"wrote {n} findings to {args.csv}")
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
