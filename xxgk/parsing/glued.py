"""Recover cells whose digits were printed glued together ('640020470' = 64,0,0,2,0,4,70).

Web-page text copies concatenate a row's cells with no separator. The template's own arithmetic
tells the cells apart: in T3 the six applicant columns add up to 总计, in T4 each block's four results
add up to its 总计. This module enumerates the ways to cut a run into cells (no leading zeros except a
lone 0; a space is a *weak* separator: it may or may not be a boundary, and a cut that keeps a space
inside a number is penalised), keeps the readings that satisfy the row's rules, and chooses across
rows (:func:`choose`) with the rules that link rows. It never changes a printed digit and never picks
silently: when several readings fit equally well, the caller marks the cells ambiguous.

Work is bounded: ``max_readings`` and ``max_steps`` cap every enumeration.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from xxgk.parsing.values import MARKERS

# '/' is one cell each ('///////' = seven cells); a dash run is one marker ('——')
# '|': a hard cell boundary (a unit printed after a cell, taken out by the caller)
_TOKEN = re.compile(r"([+-]?\d[\d.,]*(?: +[\d.,]+)*)|([/\\]|[—–―─]+|-+|无|不适用)|( +|\|)")


@dataclass(frozen=True)
class Reading:
    """One way to read a run: a value or a marker per cell."""

    values: tuple[float | None, ...]
    markers: tuple[str | None, ...]
    texts: tuple[str, ...]  # the digits (or marker) each cell got
    space_penalty: int = 0  # spaces that fell inside a number
    rules_ok: int = 0  # rules of the row it satisfies
    rules_total: int = 0

    @property
    def consistent(self) -> bool:
        return self.rules_ok == self.rules_total


@dataclass(frozen=True)
class Rule:
    """``values[total] == sum(values[i] for i in addends)`` (blank/marker counts as 0)."""

    addends: tuple[int, ...]
    total: int

    def holds(self, values: Sequence[float | None]) -> bool:
        return _z(values[self.total]) == sum(_z(values[i]) for i in self.addends)


@dataclass
class SplitResult:
    """All readings found, and whether the enumeration hit its bound."""

    readings: list[Reading] = field(default_factory=list)
    truncated: bool = False
    valid_run: bool = True  # False: the text has characters that cannot be cell values


def _z(v: float | None) -> float:
    return 0.0 if v is None else v


def _tokens(text: str) -> list[tuple[str, str]] | None:
    """('num', '230 000023') / ('mark', '/') tokens; None when other characters occur."""
    s = text.translate(str.maketrans({"\u3000": " ", "\xa0": " ", "\t": " ", "\n": " ", "，": ",", "．": "."}))
    s = "".join(chr(ord(c) - 0xFEE0) if "０" <= c <= "９" else c for c in s)
    s = re.sub(r" {2,}", " ", s).strip()
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if not m or m.end() == pos:
            return None
        if m.group(1):
            out.append(("num", m.group(1)))
        elif m.group(2):
            out.append(("mark", m.group(2)))
        pos = m.end()
    return out


def _canon_marker(text: str) -> str:
    for canon, spellings in MARKERS.items():
        if text in spellings:
            return canon
    return "—" if text and text[0] in "—–―─" else text[:1]


_THOUSANDS = re.compile(r"^[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?$")


def _cell_ok(digits: str, allow_decimal: bool, allow_sign: bool) -> float | None:
    """The value of a cut, or None when the cut is not a well-formed number."""
    sign = ""
    if digits[:1] in "+-":
        if not allow_sign:
            return None
        sign, digits = digits[0], digits[1:]
    if not digits:
        return None
    if "," in digits:  # a thousands separator: '656,942.79' (1–3 digits, then groups of three)
        if not _THOUSANDS.match(digits) or (not allow_decimal and "." in digits):
            return None
        digits = digits.replace(",", "")
    if "." in digits:
        if not allow_decimal or digits.count(".") > 1 or digits[0] == "." or digits[-1] == ".":
            return None
        whole, frac = digits.split(".")
        if len(whole) > 1 and whole[0] == "0":
            return None
        v = round(float(digits), len(frac))
    else:
        if len(digits) > 1 and digits[0] == "0":
            return None
        v = float(digits)
    return -v if sign == "-" else v


_Search = Callable[..., SplitResult]


def _cached_unless_accept(search: _Search) -> _Search:
    """``search(text, k, rules, decimals, signed, accept, *bounds)``, memoised when ``accept`` is None (a
    callable is no cache key): runs such as '0000000' recur in every report. Results are shared between
    calls: treat them as read-only. ``cache_info`` / ``cache_clear`` are the memo's."""

    @lru_cache(maxsize=4096)
    def cached(text: str, k: int, rules: tuple[Rule, ...], decimals: frozenset[int], signed: frozenset[int],
               *bounds: object) -> SplitResult:  # fmt: skip
        return search(text, k, rules, decimals, signed, None, *bounds)

    @functools.wraps(search)
    def call(text: str, k: int, rules: Sequence[Rule], decimals: frozenset[int], signed: frozenset[int],
             accept: Callable[[tuple[float | None, ...]], bool] | None, *bounds: object) -> SplitResult:  # fmt: skip
        if accept is None:
            return cached(text, k, tuple(rules), decimals, signed, *bounds)
        return search(text, k, rules, decimals, signed, accept, *bounds)

    call.cache_info = cached.cache_info  # type: ignore[attr-defined]
    call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return call


def split_run(
    text: str,
    k: int,
    rules: Sequence[Rule] = (),
    *,
    decimals: frozenset[int] = frozenset(),
    signed: frozenset[int] = frozenset(),
    accept: Callable[[tuple[float | None, ...]], bool] | None = None,
    max_readings: int = 256,
    max_steps: int = 200_000,
    require_rules: bool = True,
) -> SplitResult:
    """Every way to cut ``text`` into ``k`` cells.

    ``rules``: sums the cells obey. With ``require_rules`` only readings satisfying every rule are
    returned (a rule whose total comes after its addends prunes the search); otherwise all readings,
    each with ``rules_ok`` counted. ``decimals``/``signed``: cell indices that may hold a decimal point
    or a sign. ``accept``: an extra filter (e.g. new_pub ≤ total_pub). Results without ``accept`` are
    cached (``_cached_unless_accept``); treat them as read-only.
    """
    res = _split(text, k, rules, decimals, signed, accept, max_readings, max_steps, require_rules)
    if res.readings or not res.valid_run or not _DASH_RUN.search(text):
        return res
    # '1—————1': a run of dashes may be one blank marker per dash ('—') or per pair ('——'); try both
    merged: SplitResult | None = None
    for unit in ("—", "——"):
        variant = _dash_variant(text, unit)
        if variant is None or variant == text:
            continue
        alt = _split(variant, k, rules, decimals, signed, accept, max_readings, max_steps, require_rules)
        if alt.readings:
            if merged is None:
                merged = SplitResult(list(alt.readings), alt.truncated, alt.valid_run)
            else:
                merged.readings.extend(r for r in alt.readings if r not in merged.readings)
                merged.truncated = merged.truncated or alt.truncated
    return merged if merged is not None else res


_DASH_RUN = re.compile(r"[—–―─]{2,}|-{2,}")


def _dash_variant(text: str, unit: str) -> str | None:
    """Each dash run cut into markers of ``unit`` length (space-separated); None if a run does not divide."""
    ok = True

    def cut(m: re.Match[str]) -> str:
        nonlocal ok
        run = m.group(0)
        size = len(unit)
        if len(run) % size:
            ok = False
            return run
        return " " + " ".join(run[i : i + size] for i in range(0, len(run), size)) + " "

    out = _DASH_RUN.sub(cut, text)
    return out if ok else None


@_cached_unless_accept
def _split(
    text: str,
    k: int,
    rules: Sequence[Rule],
    decimals: frozenset[int],
    signed: frozenset[int],
    accept: Callable[[tuple[float | None, ...]], bool] | None,
    max_readings: int,
    max_steps: int,
    require_rules: bool,
) -> SplitResult:
    result = SplitResult()
    toks = _tokens(text)
    if toks is None:
        result.valid_run = False
        return result
    # flatten into units: each unit is (char, is_marker_token, space_before)
    units: list[tuple[str, bool, bool]] = []
    for kind, tok in toks:
        if kind == "mark":
            units.append((tok, True, False))
            continue
        space = False
        for i, ch in enumerate(tok):
            if ch == " ":
                space = True
                continue
            # a sign always starts a new cell: encode as boundary-forcing marker-less unit
            units.append((ch, False, space if i else False))
            space = False
        units.append(("|", True, False))  # hard boundary between tokens
    if units and units[-1][0] == "|":
        units.pop()
    n = len(units)
    forced: dict[int, list[Rule]] = {}
    for r in rules:
        if all(a < r.total for a in r.addends):
            forced.setdefault(r.total, []).append(r)
    steps = 0
    values: list[float | None] = [None] * k
    markers: list[str | None] = [None] * k
    texts: list[str] = [""] * k

    def emit(penalty: int) -> None:
        vals = tuple(values)
        if accept is not None and not accept(vals):
            return
        ok = sum(1 for r in rules if r.holds(vals))
        if require_rules and ok < len(rules):
            return
        result.readings.append(Reading(vals, tuple(markers), tuple(texts), penalty, ok, len(rules)))

    # digits left from each unit position (hard boundaries excluded), for pruning
    left = [0] * (n + 1)
    for j in range(n - 1, -1, -1):
        left[j] = left[j + 1] + (units[j][0] != "|")
    later_rules = [r for rs in forced.values() for r in rs]

    def too_short(stop: int, cell: int) -> bool:
        """A later forced total needs at least as many digits as the partial sum of its addends."""
        for r in later_rules:
            if r.total <= cell:
                continue
            partial = sum(_z(values[i]) for i in r.addends if i <= cell)
            need = (k - cell - 1) - 1 + len(str(int(partial)))
            if left[stop] < need:
                return True
        return False

    def dfs(pos: int, cell: int, penalty: int) -> bool:
        nonlocal steps
        steps += 1
        if steps > max_steps or len(result.readings) >= max_readings:
            result.truncated = True
            return False
        # skip hard boundaries
        while pos < n and units[pos][0] == "|":
            pos += 1
        if cell == k:
            if pos == n:
                emit(penalty)
            return True
        if pos >= n:
            return True
        ch, is_mark, _ = units[pos]
        if is_mark:
            values[cell], markers[cell], texts[cell] = None, _canon_marker(ch), ch
            return dfs(pos + 1, cell + 1, penalty)
        # collect the maximal digit stretch from pos (until a hard boundary)
        end = pos
        while end < n and not units[end][1]:
            end += 1
        cells_left = k - cell - 1
        frules = forced.get(cell) if require_rules else None
        if frules:
            target = sum(_z(values[i]) for i in frules[0].addends)
            want = _fmt(target)
            # the total as printed: plain, or with thousands separators ('1,036')
            cand_lengths = sorted({len(want), len(f"{int(want):,}")}) if want is not None else []
        else:
            cand_lengths = range(1, end - pos + 1)
        for length in cand_lengths:
            stop = pos + length
            if stop > end:
                break
            digits = "".join(units[j][0] for j in range(pos, stop))
            v = _cell_ok(digits, cell in decimals, cell in signed)
            if v is None:
                if digits[0] == "0" and length > 1 and "." not in digits:
                    break  # a longer cut starting with 0 is never valid
                continue
            if frules and any(_z(v) != sum(_z(values[i]) for i in r.addends) for r in frules):
                continue
            inner = sum(1 for j in range(pos + 1, stop) if units[j][2])
            # a space right after this cut is a boundary: fine; one inside costs a penalty
            values[cell], markers[cell], texts[cell] = v, None, digits
            if cells_left == 0 and left[stop]:
                continue
            if cells_left and left[stop] < cells_left:
                break
            if require_rules and later_rules and too_short(stop, cell):
                continue
            if not dfs(stop, cell + 1, penalty + inner):
                return False
        return True

    dfs(0, 0, 0)
    return result


def _fmt(v: float) -> str | None:
    if v != int(v) or v < 0:
        return None
    return str(int(v))


def best_readings(readings: Sequence[Reading]) -> list[Reading]:
    """Readings with the most rules satisfied, then the fewest spaces inside numbers."""
    if not readings:
        return []
    top = max(r.rules_ok for r in readings)
    kept = [r for r in readings if r.rules_ok == top]
    low = min(r.space_penalty for r in kept)
    return [r for r in kept if r.space_penalty == low]


@dataclass
class Choice:
    """The outcome of choosing one reading per row across rows."""

    chosen: dict[str, Reading | None]  # None: the row stays ambiguous
    alternatives: dict[str, list[Reading]]  # rows with more than one best reading
    score: int = 0
    max_score: int = 0
    truncated: bool = False


def choose(
    candidates: dict[str, list[Reading]],
    score: Callable[[dict[str, Reading]], tuple[int, int]],
    *,
    max_combinations: int = 20_000,
) -> Choice:
    """Pick one reading per row maximising ``score`` (satisfied cross-row rules, out of total).

    Rows with a single candidate are fixed. When several combinations tie for the best score, rows
    whose reading differs among them are left ambiguous (``chosen[row] = None``).
    """
    fixed = {r: c[0] for r, c in candidates.items() if len(c) == 1}
    open_rows = [r for r, c in candidates.items() if len(c) > 1]
    truncated = False
    lists = [candidates[r] for r in open_rows]
    total = 1
    for lst in lists:
        total *= len(lst)
    if total > max_combinations:
        truncated = True
        # keep the best rows' readings first; shrink the largest lists until the product fits
        lists = [sorted(lst, key=lambda x: (-x.rules_ok, x.space_penalty)) for lst in lists]
        while total > max_combinations:
            i = max(range(len(lists)), key=lambda j: len(lists[j]))
            if len(lists[i]) <= 1:
                break
            total //= len(lists[i])
            lists[i] = lists[i][: max(1, len(lists[i]) // 2)]
            total *= len(lists[i])
    best: list[tuple[Reading, ...]] = []
    best_key: tuple[int, int] | None = None
    max_score = 0
    first_score = (0, 0)
    for combo in itertools.product(*lists) if open_rows else [()]:
        assign = dict(fixed)
        assign.update(zip(open_rows, combo, strict=True))
        ok, max_score = score(assign)
        row_ok = sum(r.rules_ok for r in combo)
        penalty = sum(r.space_penalty for r in combo)
        key = (ok + row_ok, -penalty)
        if best_key is None or key > best_key:
            best_key, best = key, [combo]
            first_score = (ok, max_score)  # the score of best[0]
        elif key == best_key:
            best.append(combo)
    chosen: dict[str, Reading | None] = dict(fixed)
    alternatives: dict[str, list[Reading]] = {}
    for i, row in enumerate(open_rows):
        options = {c[i] for c in best}
        if len(options) == 1:
            chosen[row] = next(iter(options))
        else:
            chosen[row] = None
            alternatives[row] = sorted(options, key=lambda r: r.texts)
    final_score = 0
    if best:
        final_score, max_score = first_score
    return Choice(chosen, alternatives, final_score, max_score, truncated)


def _blank_units(text: str) -> tuple[list[tuple[str, bool]], list[int]] | None:
    """The units :func:`_split_with_blanks` places, (char, is_marker) with '|' = hard boundary, and per position
    the stretches left (each needs at least one cell); None when the text is not a run of values."""
    toks = _tokens(text)
    if toks is None:
        return None
    # pieces: ('mark', text) or ('num', digits) with the hard boundaries between tokens kept
    units: list[tuple[str, bool]] = []
    for kind, tok in toks:
        if kind == "mark":
            units.append((tok, True))
        else:
            units.extend((ch, False) for ch in tok if ch != " ")
        units.append(("|", True))
    n = len(units)
    need = [0] * (n + 1)
    for j in range(n - 1, -1, -1):
        starts = units[j][0] != "|" and (j == 0 or units[j - 1][0] == "|" or units[j][1] or units[j - 1][1])
        need[j] = need[j + 1] + (1 if starts else 0)
    return units, need


@lru_cache(maxsize=4096)
def blank_search_size(
    text: str, k: int, rules: tuple[Rule, ...], decimals: frozenset[int], signed: frozenset[int]
) -> tuple[int, int] | None:
    """(steps, readings) of :func:`split_with_blanks` without ``accept`` and without bounds: how many calls its
    search makes and how many readings it finds, counted without running it (the part of the search left
    from a cell depends only on the position, the cell, whether a blank was placed and the partial sums of
    the rules still open, so each such state is counted once). ``steps > max_steps`` means the bounded
    search is truncated. None when not counted: a rule whose total precedes an addend, or addends not in
    ascending order (the sums would be added in another order), or text that is not a run of values.

    For a caller that only uses a complete search with few readings: a T4 run of zeros with no reading
    takes the bounded search 20,000 steps (~60 ms) to give up; its count takes a few hundred states.
    """
    if any(list(r.addends) != sorted(r.addends) or any(a >= r.total for a in r.addends) for r in rules):
        return None
    laid = _blank_units(text)
    if laid is None:
        return None
    units, need = laid
    n = len(units)
    chars = [u[0] for u in units]
    totals_at = [tuple(j for j, r in enumerate(rules) if r.total == c) for c in range(k)]
    addend_at = [tuple(j for j, r in enumerate(rules) if c in r.addends) for c in range(k)]
    memo: dict[tuple[int, int, bool, tuple[float | None, ...]], tuple[int, int]] = {}

    def child(v: float | None, cell: int, sums: tuple[float | None, ...]) -> tuple[float | None, ...] | None:
        """The open sums after ``cell`` holds ``v``; None when a rule whose total it is breaks (``fits``)."""
        z = _z(v)
        if any(z != sums[j] for j in totals_at[cell]):
            return None
        if not addend_at[cell] and not totals_at[cell]:
            return sums
        out = list(sums)
        for j in addend_at[cell]:
            out[j] = out[j] + z  # type: ignore[operator]
        for j in totals_at[cell]:
            out[j] = None  # closed: no later cell reads it
        return tuple(out)

    def count(pos: int, cell: int, blanked: bool, sums: tuple[float | None, ...]) -> tuple[int, int]:
        while pos < n and chars[pos] == "|":
            pos += 1
        key = (pos, cell, blanked, sums)
        got = memo.get(key)
        if got is not None:
            return got
        steps, found = 1, 0
        if cell == k:
            found = 1 if pos == n and blanked else 0
        else:
            nexts: list[tuple[int, bool, tuple[float | None, ...] | None]] = []
            if k - cell - 1 >= need[pos]:  # this cell blank
                nexts.append((pos, True, child(None, cell, sums)))
            if pos < n:
                if units[pos][1]:  # a marker
                    nexts.append((pos + 1, blanked, child(None, cell, sums)))
                else:
                    end = pos
                    while end < n and not units[end][1]:
                        end += 1
                    dec, sign = cell in decimals, cell in signed
                    for stop in range(pos + 1, end + 1):
                        digits = "".join(chars[pos:stop])
                        v = _cell_ok(digits, dec, sign)
                        if v is None:
                            if digits[0] == "0" and "." not in digits:
                                break
                            continue
                        if k - cell - 1 < need[stop]:
                            continue
                        nexts.append((stop, blanked, child(v, cell, sums)))
            for nxt_pos, nxt_blanked, nxt_sums in nexts:
                if nxt_sums is not None:
                    s, f = count(nxt_pos, cell + 1, nxt_blanked, nxt_sums)
                    steps += s
                    found += f
        memo[key] = (steps, found)
        return steps, found

    return count(0, 0, False, (0,) * len(rules))


def split_with_blanks(
    text: str,
    k: int,
    rules: Sequence[Rule] = (),
    *,
    decimals: frozenset[int] = frozenset(),
    signed: frozenset[int] = frozenset(),
    accept: Callable[[tuple[float | None, ...]], bool] | None = None,
    max_readings: int = 64,
    max_steps: int = 20_000,
) -> SplitResult:
    """Every way to read ``text`` as ``k`` cells of which at least one is blank (printed as nothing).

    For glued rows whose blank cells vanished ('33' for 3,_,_,_,_,_,3): too few digits to fill the
    row. Each reading cuts the printed digits (never changed) into numbers and places them, in order,
    among the ``k`` cells; the others are blank. Only readings satisfying every rule (and ``accept``)
    are kept. ``truncated`` when a bound was hit: the readings found are then not all of them.
    Results without ``accept`` are cached (``_cached_unless_accept``: a short all-zero run recurs across
    reports and its search is the parser's dearest); treat them as read-only.
    """
    return _split_with_blanks(text, k, rules, decimals, signed, accept, max_readings, max_steps)


@_cached_unless_accept
def _split_with_blanks(
    text: str,
    k: int,
    rules: Sequence[Rule],
    decimals: frozenset[int],
    signed: frozenset[int],
    accept: Callable[[tuple[float | None, ...]], bool] | None,
    max_readings: int,
    max_steps: int,
) -> SplitResult:
    result = SplitResult()
    laid = _blank_units(text)
    if laid is None:
        result.valid_run = False
        return result
    units, need = laid
    n = len(units)
    forced: dict[int, list[Rule]] = {}
    for r in rules:
        if all(a < r.total for a in r.addends):
            forced.setdefault(r.total, []).append(r)
    values: list[float | None] = [None] * k
    markers: list[str | None] = [None] * k
    texts: list[str] = [""] * k
    steps = 0
    # per cell, looked up once: the rules whose total it is, whether it may hold a decimal point or a sign
    forced_at = [forced.get(c) for c in range(k)]
    dec_at = [c in decimals for c in range(k)]
    sign_at = [c in signed for c in range(k)]
    chars = [u[0] for u in units]

    def fits(cell: int) -> bool:
        rs = forced_at[cell]
        return rs is None or all(_z(values[cell]) == sum(_z(values[i]) for i in r.addends) for r in rs)

    def dfs(pos: int, cell: int, blanks: int) -> bool:
        nonlocal steps
        steps += 1
        if steps > max_steps or len(result.readings) >= max_readings:
            result.truncated = True
            return False
        while pos < n and chars[pos] == "|":
            pos += 1
        if cell == k:
            vals = tuple(values)
            if pos == n and blanks and all(r.holds(vals) for r in rules) and (accept is None or accept(vals)):
                result.readings.append(Reading(vals, tuple(markers), tuple(texts), 0, len(rules), len(rules)))
            return True
        if k - cell - 1 >= need[pos]:  # this cell blank
            values[cell], markers[cell], texts[cell] = None, None, ""
            if fits(cell) and not dfs(pos, cell + 1, blanks + 1):
                return False
        if pos >= n:
            return True
        ch, is_mark = units[pos]
        if is_mark:
            values[cell], markers[cell], texts[cell] = None, _canon_marker(ch), ch
            return not (fits(cell) and not dfs(pos + 1, cell + 1, blanks))
        end = pos
        while end < n and not units[end][1]:
            end += 1
        dec, sign, cells_left = dec_at[cell], sign_at[cell], k - cell - 1
        for stop in range(pos + 1, end + 1):
            digits = "".join(chars[pos:stop])  # digit units are one character each
            v = _cell_ok(digits, dec, sign)
            if v is None:
                if digits[0] == "0" and "." not in digits:
                    break
                continue
            if cells_left < need[stop]:
                continue
            values[cell], markers[cell], texts[cell] = v, None, digits
            if fits(cell) and not dfs(stop, cell + 1, blanks):
                return False
        return True

    dfs(0, 0, 0)
    return result
