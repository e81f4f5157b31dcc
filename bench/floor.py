"""The floor: read every file and tokenize its HTML or text, nothing more (same process count as parsing)."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Sequence
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser as HTMLParser


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def tokenize_file(path: str) -> int:
    """Tokens in one file: HTML nodes (text included) for a web page, whitespace-split words for text."""
    data = Path(path).read_bytes()
    if path.endswith((".html", ".htm", ".shtml")):
        tree = HTMLParser(_decode(data))
        return sum(1 for _ in tree.root.traverse(include_text=True)) if tree.root else 0
    return len(_decode(data).split())


def _chunk(paths: Sequence[str]) -> int:
    return sum(tokenize_file(p) for p in paths)


def measure_floor(paths: Sequence[str], processes: int) -> tuple[float, int]:
    """Wall seconds to read and tokenize ``paths`` with ``processes`` workers, and the token count."""
    chunks = [paths[i : i + 500] for i in range(0, len(paths), 500)]
    t0 = time.perf_counter()
    if processes <= 1:
        tokens = sum(_chunk(c) for c in chunks)
    else:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            tokens = sum(pool.imap_unordered(_chunk, chunks))
    return time.perf_counter() - t0, tokens
