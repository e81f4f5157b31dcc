"""Dagster wiring of xxgk: definitions, partitions, resources, jobs, schedules, sensors."""
