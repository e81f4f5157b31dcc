"""Deterministic random helpers: one independent stream per key, plus small samplers.

Every stream is ``random.Random`` seeded with a string, which Python hashes with SHA-512, so streams
do not depend on ``PYTHONHASHSEED``, on the order agencies are generated in, or on how many there are.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence


def stream(seed: int, *key: object) -> random.Random:
    """An independent random stream for ``(seed, *key)``."""
    return random.Random(":".join([str(seed), *map(str, key)]))


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth for small means, rounded normal for large ones)."""
    if lam <= 0:
        return 0
    if lam < 30:
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1
    return max(0, round(rng.gauss(lam, math.sqrt(lam))))


def binomial(rng: random.Random, n: int, p: float) -> int:
    """A binomial draw (exact for small n, rounded normal for large n)."""
    if n <= 0 or p <= 0:
        return 0
    if p >= 1:
        return n
    if n <= 60:
        return sum(1 for _ in range(n) if rng.random() < p)
    mean, sd = n * p, math.sqrt(n * p * (1 - p))
    return min(n, max(0, round(rng.gauss(mean, sd))))


def split(rng: random.Random, n: int, weights: Sequence[float]) -> list[int]:
    """Split ``n`` items into ``len(weights)`` parts (multinomial); the parts always sum to ``n``."""
    k = len(weights)
    if n <= 0:
        return [0] * k
    if n <= 400:
        out = [0] * k
        for i in rng.choices(range(k), weights=weights, k=n):
            out[i] += 1
        return out
    total = float(sum(weights))
    raw = [n * w / total for w in weights]
    jittered = [max(0.0, x + rng.gauss(0, math.sqrt(x) * 0.5)) if x > 0 else 0.0 for x in raw]
    scale = n / sum(jittered) if sum(jittered) > 0 else 0
    out = [math.floor(x * scale) for x in jittered]
    rest = n - sum(out)
    order = sorted(range(k), key=lambda i: (jittered[i] * scale - out[i]), reverse=True)
    for i in order[:rest]:
        out[i] += 1
    while sum(out) < n:  # only when every weight is zero
        out[0] += 1
    return out


def perturb(rng: random.Random, weights: Sequence[float], sigma: float = 0.4) -> list[float]:
    """Agency-specific variation of a probability vector (multiplicative log-normal noise)."""
    return [w * math.exp(rng.gauss(0, sigma)) for w in weights]
