"""Shared test fixtures: where the shared corpus is, a temporary inbox + warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SEED = ROOT / "data" / "inbox" / "seed" / "000_7f3569336a1c441f.txt"


@pytest.fixture
def corpus() -> Path:
    if not (CORPUS / "truth").is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS} (CI places ../shared beside the clone)")
    return CORPUS


@pytest.fixture
def tmp_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """An empty inbox and warehouse path under tmp_path, exported as XXGK_* variables."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    db = tmp_path / "wh" / "xxgk.duckdb"
    monkeypatch.setenv("XXGK_INBOX", str(inbox))
    monkeypatch.setenv("XXGK_DUCKDB_PATH", str(db))
    monkeypatch.delenv("XXGK_PUBLISHED_DIR", raising=False)
    return {"inbox": inbox, "db": db, "root": tmp_path}
