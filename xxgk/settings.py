"""Where things live: inbox, warehouse file, published outputs. Environment overrides defaults.

- ``XXGK_INBOX``: the folder of reports to ingest (default ``data/inbox``).
- ``XXGK_DUCKDB_PATH``: the published warehouse file people query (default ``data/xxgk.duckdb``).
  The pipeline writes a private working copy beside it and swaps it in atomically when a run
  publishes, so readers never see a half-written state and never block a run.
- ``XXGK_PUBLISHED_DIR``: Parquet exports and the HTML report (default: ``published/`` beside the
  warehouse file).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_INBOX = Path("data/inbox")
DEFAULT_DUCKDB = Path("data/xxgk.duckdb")
DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024
DEFAULT_PARSE_SECONDS = 60.0


@dataclass(frozen=True)
class Settings:
    inbox: Path
    duckdb_path: Path
    published_dir: Path
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    parse_seconds: float = DEFAULT_PARSE_SECONDS

    @property
    def work_dir(self) -> Path:
        """Private folder of the writer: the working database and staging files."""
        return self.duckdb_path.parent / f".{self.duckdb_path.stem}-work"

    @property
    def work_db(self) -> Path:
        return self.work_dir / "warehouse.duckdb"

    @classmethod
    def from_env(cls) -> Settings:
        duckdb_path = Path(os.environ.get("XXGK_DUCKDB_PATH", str(DEFAULT_DUCKDB))).absolute()
        published = os.environ.get("XXGK_PUBLISHED_DIR")
        return cls(
            inbox=Path(os.environ.get("XXGK_INBOX", str(DEFAULT_INBOX))).absolute(),
            duckdb_path=duckdb_path,
            published_dir=Path(published).absolute() if published else duckdb_path.parent / "published",
            max_file_bytes=int(os.environ.get("XXGK_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES)),
            parse_seconds=float(os.environ.get("XXGK_PARSE_SECONDS", DEFAULT_PARSE_SECONDS)),
        )
