"""Fast paths of the parser give exactly what the plain formulations give."""

from __future__ import annotations

import random
import unicodedata

from xxgk.parsing import labels as L


def _norm_reference(text: str) -> str:
    return L._WS.sub("", unicodedata.normalize("NFKC", text).translate(L._QUOTES).translate(L._T2S))


def test_norm_equals_reference() -> None:
    """Quotes, traditional characters, full-width forms, combining marks and jamo that compose across
    neighbours (the replaced characters must not change NFKC's result)."""
    chars = (
        [chr(c) for c in L._QUOTES]
        + [chr(c) for c in L._T2S]
        + [wide for wide, _ in L._FW_NFKD]
        + list(" \t\n\u3000\xa0\u2028\x1c\x85本年增/减“”>=<Ae")
        + ["\u0301", "\u0308", "\u0338", "\u3099", "ｶ", "ﾞ", "ㄱ", "ㅏ", "\u1100", "\u1161", "㈠", "⼀", "①"]
    )
    rng = random.Random(3)
    for _ in range(20000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(0, 14)))
        assert L.norm_text(text) == _norm_reference(text), text
        assert L.norm(text) == _norm_reference(text), text
