-- xxgk warehouse DDL. Idempotent: every statement can run on an existing database.
-- Grain of each table is stated above it and enforced by tests/test_warehouse_grain.py.

-- ───────────── staging: what the inbox holds and what the parser read (cache by content hash) ─────────────

-- One row per (path in the inbox, content hash) ever seen. A file renamed or copied adds a path, not a report.
CREATE TABLE IF NOT EXISTS source_file (
    path        VARCHAR NOT NULL,      -- relative to the inbox, '/'-separated
    sha256      VARCHAR NOT NULL,
    size_bytes  BIGINT  NOT NULL,
    mtime       DOUBLE,
    media       VARCHAR,
    present     BOOLEAN NOT NULL DEFAULT TRUE,  -- still in the inbox at the last scan
    PRIMARY KEY (path, sha256)
);

-- One row per manifest.csv entry of the last scan (agency/region/level/year stated by a person).
CREATE TABLE IF NOT EXISTS manifest_entry (
    path       VARCHAR PRIMARY KEY,
    agency     VARCHAR,
    region     VARCHAR,
    level      VARCHAR,
    year       INTEGER,
    sector     VARCHAR,
    published_date VARCHAR
);

-- One row per distinct file content parsed by the current parser version (the parse cache).
CREATE TABLE IF NOT EXISTS stg_report (
    sha256          VARCHAR PRIMARY KEY,
    parser_version  VARCHAR NOT NULL,
    media           VARCHAR,
    encoding        VARCHAR,
    title           VARCHAR,
    agency          VARCHAR,
    region          VARCHAR,
    province        VARCHAR,
    city            VARCHAR,
    county          VARCHAR,
    year            INTEGER,
    format_version  VARCHAR,
    scope           VARCHAR,
    published_date  VARCHAR,
    published_date_source VARCHAR,
    metadata_sources VARCHAR,          -- JSON: field -> where it was read
    parse_status    VARCHAR NOT NULL,  -- ok | partial | failed
    n_cells         INTEGER NOT NULL,
    n_ambiguous     INTEGER NOT NULL
);

-- One row per cell of one parsed file content.
CREATE TABLE IF NOT EXISTS stg_cell (
    sha256      VARCHAR NOT NULL,
    table_code  VARCHAR NOT NULL,
    row_code    VARCHAR NOT NULL,
    col_code    VARCHAR NOT NULL,
    raw_text    VARCHAR,
    value       DOUBLE,
    is_blank    BOOLEAN NOT NULL,
    marker      VARCHAR,
    unit        VARCHAR,
    confidence  DOUBLE NOT NULL,
    alternatives DOUBLE[]
    -- grain (sha256, table_code, row_code, col_code): no PRIMARY KEY on purpose — an ART index on
    -- ~200 cells a report is most of the file and 4x the insert time at national scale; the grain is
    -- checked when the facts are built (xxgk/warehouse/star.py) and by tests/test_warehouse_grain.py.
);

-- One row per (file content, section) of narrative text; section 'ALL' is the whole plain text.
CREATE TABLE IF NOT EXISTS stg_text (
    sha256   VARCHAR NOT NULL,
    section  VARCHAR NOT NULL,
    text     VARCHAR,
    PRIMARY KEY (sha256, section)
);

-- One row per located problem found while reading a file (or a manifest line).
CREATE TABLE IF NOT EXISTS ingest_errors (
    error_id    VARCHAR PRIMARY KEY,   -- stable fingerprint of (source_file, sha256, stage, code, location, message)
    source_file VARCHAR,
    sha256      VARCHAR,
    stage       VARCHAR NOT NULL,      -- scan | read | decode | extract | tables | cells | metadata | manifest
    severity    VARCHAR NOT NULL,      -- error | warning | info
    code        VARCHAR NOT NULL,
    message     VARCHAR NOT NULL,
    location    VARCHAR
);

-- One row per ingest run: the accounting of files seen / loaded / rejected / unchanged.
CREATE TABLE IF NOT EXISTS ingest_runs (
    run_id          VARCHAR PRIMARY KEY,
    started_at      TIMESTAMP,
    inbox           VARCHAR,
    files_seen      INTEGER,
    files_parsed    INTEGER,
    files_unchanged INTEGER,
    files_rejected  INTEGER,
    reports_loaded  INTEGER
);

-- ───────────── dimensions ─────────────

-- One row per agency (name as normalised); agency_key 0 is the 'unknown' member.
CREATE TABLE IF NOT EXISTS dim_agency (
    agency_key   BIGINT PRIMARY KEY,
    agency_name  VARCHAR NOT NULL,
    province     VARCHAR,
    city         VARCHAR,
    county       VARCHAR,
    region       VARCHAR,
    level        VARCHAR,
    kind         VARCHAR,
    sector       VARCHAR
);

-- One row per report year from 2019 to the current year.
CREATE TABLE IF NOT EXISTS dim_year (
    year              INTEGER PRIMARY KEY,
    expected_version  VARCHAR NOT NULL,
    department_deadline DATE NOT NULL,   -- 1月31日 of year+1
    government_deadline DATE NOT NULL    -- 3月31日 of year+1
);

-- One row per template row of each format (T2 blocks and items, T3 rows, T4 blocks).
CREATE TABLE IF NOT EXISTS dim_category (
    category_key  INTEGER PRIMARY KEY,
    format_version VARCHAR NOT NULL,
    table_code    VARCHAR NOT NULL,
    row_code      VARCHAR NOT NULL,
    label         VARCHAR NOT NULL,
    parent_code   VARCHAR,
    kind          VARCHAR NOT NULL,
    is_leaf       BOOLEAN NOT NULL,
    is_total      BOOLEAN NOT NULL,
    sort_order    INTEGER NOT NULL,
    UNIQUE (format_version, table_code, row_code)
);

-- One row per T3 applicant column (NP … LP_OTH, TOTAL, and the non-template LP_SUB).
CREATE TABLE IF NOT EXISTS dim_applicant_type (
    applicant_type_key INTEGER PRIMARY KEY,
    col_code      VARCHAR NOT NULL UNIQUE,
    label         VARCHAR NOT NULL,
    parent_label  VARCHAR,
    is_total      BOOLEAN NOT NULL,
    in_template   BOOLEAN NOT NULL
);

-- One row per ingested report (distinct content). report_id = first 16 hex digits of its sha256.
CREATE TABLE IF NOT EXISTS dim_report (
    report_id        VARCHAR PRIMARY KEY,
    sha256           VARCHAR NOT NULL UNIQUE,
    source_file      VARCHAR NOT NULL,   -- first path (sorted) holding this content
    source_files     VARCHAR[],          -- every path holding this content
    media            VARCHAR,
    encoding         VARCHAR,
    title            VARCHAR,
    agency_key       BIGINT NOT NULL,
    agency           VARCHAR,
    region           VARCHAR,
    province         VARCHAR,
    city             VARCHAR,
    county           VARCHAR,
    level            VARCHAR,
    sector           VARCHAR,
    kind             VARCHAR,            -- government | department | township
    year             INTEGER,
    format_version   VARCHAR,
    expected_version VARCHAR,
    format_mismatch  BOOLEAN,
    scope            VARCHAR,
    published_date   VARCHAR,
    published_date_source VARCHAR,
    metadata_sources VARCHAR,
    parse_status     VARCHAR NOT NULL,
    parser_version   VARCHAR NOT NULL,
    n_cells          INTEGER NOT NULL,
    n_ambiguous      INTEGER NOT NULL,
    is_current       BOOLEAN NOT NULL    -- the one report chosen per agency-year (see xxgk/warehouse/star.py)
);

-- ───────────── facts: one row per cell of one report ─────────────

-- T3: one row per (report, T3 row, applicant column).
CREATE TABLE IF NOT EXISTS fact_application (
    report_id          VARCHAR NOT NULL,
    agency_key         BIGINT NOT NULL,
    year               INTEGER,
    category_key       INTEGER,          -- NULL for a non-template row a report added (e.g. a 小计 row)
    applicant_type_key INTEGER,
    row_code           VARCHAR NOT NULL,
    col_code           VARCHAR NOT NULL,
    value              DOUBLE,
    raw_text           VARCHAR,
    is_blank           BOOLEAN NOT NULL,
    marker             VARCHAR,
    confidence         DOUBLE NOT NULL
    -- grain (report_id, row_code, col_code), checked by build_star; no index (see stg_cell)
);

-- T2: one row per (report, T2 item row, column).
CREATE TABLE IF NOT EXISTS fact_proactive_disclosure (
    report_id     VARCHAR NOT NULL,
    agency_key    BIGINT NOT NULL,
    year          INTEGER,
    category_key  INTEGER,
    row_code      VARCHAR NOT NULL,
    col_code      VARCHAR NOT NULL,
    value         DOUBLE,
    unit          VARCHAR,
    raw_text      VARCHAR,
    is_blank      BOOLEAN NOT NULL,
    marker        VARCHAR,
    confidence    DOUBLE NOT NULL
    -- grain (report_id, row_code, col_code), checked by build_star; no index (see stg_cell)
);

-- T4: one row per (report, block, column): 15 per report.
CREATE TABLE IF NOT EXISTS fact_review_litigation (
    report_id     VARCHAR NOT NULL,
    agency_key    BIGINT NOT NULL,
    year          INTEGER,
    category_key  INTEGER,
    row_code      VARCHAR NOT NULL,   -- block: AR | AL_D | AL_R
    col_code      VARCHAR NOT NULL,   -- MAINTAIN | CORRECT | OTHER | PENDING | TOTAL
    value         DOUBLE,
    raw_text      VARCHAR,
    is_blank      BOOLEAN NOT NULL,
    marker        VARCHAR,
    confidence    DOUBLE NOT NULL
    -- grain (report_id, row_code, col_code), checked by build_star; no index (see stg_cell)
);

-- One row per (report, section) of narrative text ('ALL' = whole text). A view over the parse cache:
-- the text is stored once (stg_text, by content), not copied per report — it is most of the file.
CREATE OR REPLACE VIEW report_text AS
SELECT r.report_id, t.section, t.text
FROM dim_report r JOIN stg_text t USING (sha256);

-- The public flat view: one row per parsed cell of one report.
CREATE OR REPLACE VIEW report_cells AS
SELECT r.report_id, r.source_file, r.agency, r.region, r.year, r.format_version,
       c.table_code, c.row_code, c.col_code, c.value, c.raw_text, c.is_blank, c.marker, c.confidence
FROM (
    SELECT report_id, 'T3' AS table_code, row_code, col_code, value, raw_text, is_blank, marker, confidence
    FROM fact_application
    UNION ALL
    SELECT report_id, 'T2', row_code, col_code, value, raw_text, is_blank, marker, confidence
    FROM fact_proactive_disclosure
    UNION ALL
    SELECT report_id, 'T4', row_code, col_code, value, raw_text, is_blank, marker, confidence
    FROM fact_review_litigation
) c
JOIN dim_report r USING (report_id);
