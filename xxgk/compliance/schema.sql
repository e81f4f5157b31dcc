-- Compliance tables (xxgk.compliance). Idempotent DDL; grain stated above each table.

-- One row per expected agency × validity period: registry periods (source 'registry') and agencies
-- only seen in reports (source 'observed', no period bounds). agency_key as dim_agency's.
CREATE TABLE IF NOT EXISTS dim_agency_registry (
    agency_key        BIGINT NOT NULL,
    period_no         INTEGER NOT NULL,     -- 1, 2 … in order of valid_from within the agency
    agency_id         VARCHAR NOT NULL,     -- the registry's id (or the normalized canonical name)
    agency_name       VARCHAR NOT NULL,     -- the name during this period
    canonical_name    VARCHAR NOT NULL,     -- the name of the agency's latest period
    aliases           VARCHAR[],
    region_codes      VARCHAR[],
    province          VARCHAR,
    city              VARCHAR,
    county            VARCHAR,
    level             VARCHAR,
    kind              VARCHAR,
    sector            VARCHAR,
    parent_agency     VARCHAR,
    parent_agency_key BIGINT,
    valid_from        DATE,
    valid_to          DATE,
    source            VARCHAR NOT NULL,     -- registry | observed
    registry_line     INTEGER,
    PRIMARY KEY (agency_key, period_no)
);

-- One row per (alias, agency_key): every name an agency is known by (registry names and aliases,
-- names printed in reports), normalized as the star schema matches them.
CREATE TABLE IF NOT EXISTS agency_alias (
    alias          VARCHAR NOT NULL,
    alias_norm     VARCHAR NOT NULL,
    agency_key     BIGINT NOT NULL,
    canonical_name VARCHAR,
    source         VARCHAR NOT NULL,        -- registry_name | registry_alias | report
    PRIMARY KEY (alias, agency_key)
);

-- One row per agency × report year that is expected (registry period or seen in another year) or
-- has a report: deadline, publication date and its source, and the status
-- published | late | format_mismatch | missing | not_due (no report yet, deadline not passed).
CREATE TABLE IF NOT EXISTS compliance_calendar (
    year                  INTEGER NOT NULL,
    agency_key            BIGINT NOT NULL,
    agency_name           VARCHAR,          -- the name valid that year (registry) or as printed
    printed_name          VARCHAR,          -- the name on the report, when there is one
    province              VARCHAR,
    city                  VARCHAR,
    county                VARCHAR,
    level                 VARCHAR,
    kind                  VARCHAR,
    sector                VARCHAR,
    expected              BOOLEAN NOT NULL,
    expected_by           VARCHAR,          -- registry | observed | NULL (reported outside its period)
    report_id             VARCHAR,
    n_reports             INTEGER NOT NULL, -- copies of the agency-year (re-publications)
    scope                 VARCHAR,
    format_version        VARCHAR,
    expected_version      VARCHAR,
    format_mismatch       BOOLEAN,
    published_date        DATE,
    published_date_source VARCHAR,          -- page_meta | header | signature | manifest | …
    deadline              DATE NOT NULL,
    deadline_source       VARCHAR NOT NULL,
    days_late             INTEGER,          -- > 0 when late; NULL when no date is known
    is_late               BOOLEAN,          -- NULL when the publication date is unknown
    status                VARCHAR NOT NULL,
    PRIMARY KEY (year, agency_key)
);

-- One row per (report year, province, level): coverage and timeliness of the expected agencies.
CREATE TABLE IF NOT EXISTS agg_compliance_region_year (
    year            INTEGER NOT NULL,
    province        VARCHAR,
    level           VARCHAR,
    expected        INTEGER NOT NULL,
    reported        INTEGER NOT NULL,
    on_time         INTEGER NOT NULL,
    late            INTEGER NOT NULL,
    undated         INTEGER NOT NULL,
    missing         INTEGER NOT NULL,
    not_due         INTEGER NOT NULL,
    format_mismatch INTEGER NOT NULL,
    coverage        DOUBLE,               -- reported / expected
    on_time_rate    DOUBLE,               -- on_time / (on_time + late)
    mean_days_late  DOUBLE,
    max_days_late   INTEGER
);

-- One row per (report year, level, printed format version): how many current reports use it.
CREATE TABLE IF NOT EXISTS agg_format_adoption (
    year             INTEGER NOT NULL,
    level            VARCHAR,
    format_version   VARCHAR,
    expected_version VARCHAR,
    reports          INTEGER NOT NULL,
    share            DOUBLE
);
