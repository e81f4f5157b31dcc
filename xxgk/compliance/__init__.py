"""Compliance: did every agency publish its annual report, on time, on the right template, for the
right scope? The agency registry (:mod:`registry`), deadlines as data (``deadlines.yaml``,
:mod:`deadlines`), the compliance calendar and its findings (:mod:`calendar`), and the aggregate
vs constituents check (:mod:`aggregate_sum`). Pure Python + DuckDB SQL; no Dagster.
"""
