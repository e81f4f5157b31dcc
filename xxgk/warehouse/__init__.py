"""The DuckDB warehouse: DDL, staging of parsed reports, star schema build, publishing."""
