"""Dagster assets of xxgk, one module per layer: ingest → warehouse → checks → published."""
