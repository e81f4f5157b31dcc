"""``xxgk`` command line: a summary of the published warehouse.

    python -m xxgk.cli summary [--db data/xxgk.duckdb]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from xxgk.settings import Settings


def summary(db: Path) -> str:
    """A short text summary of a published warehouse (opened read-only)."""
    if not db.exists():
        return f"no warehouse at {db}: run the pipeline first"
    con = duckdb.connect(str(db), read_only=True)
    try:
        lines = [f"warehouse {db}"]
        rows = con.execute(
            "SELECT year, format_version, parse_status, count(*) FROM dim_report GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        lines.append("reports by year, format, parse status:")
        lines += [f"  {y}  format {f}  {s:8} {n}" for y, f, s, n in rows]
        n_cells = con.execute("SELECT count(*) FROM report_cells").fetchone()[0]
        n_err = con.execute("SELECT count(*) FROM ingest_errors WHERE severity = 'error'").fetchone()[0]
        lines.append(f"cells: {n_cells}; ingest errors: {n_err}")
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "check_findings" in tables:
            sev = con.execute(
                "SELECT severity, status, count(*) FROM check_findings GROUP BY ALL ORDER BY ALL"
            ).fetchall()
            lines.append("findings: " + ", ".join(f"{s}/{st}={n}" for s, st, n in sev))
        return "\n".join(lines)
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="xxgk")
    sub = parser.add_subparsers(dest="command", required=True)
    p_sum = sub.add_parser("summary", help="summarise the published warehouse")
    p_sum.add_argument("--db", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.command == "summary":
        print(summary(args.db or Settings.from_env().duckdb_path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
