-- X-COPY (内容雷同): (a) every number printed in both years identical to the same agency's previous
-- report (at least 10 shared cells, at least one non-zero); (b) narrative (S1 + S5) sentences, digits
-- masked, contained >= 80 % in the previous year's text or in another agency's report of the same year
-- (boilerplate — a sentence printed by more than max(2, min(50, 5 % of the year's agencies)) agencies — is
-- ignored in both comparisons; against the previous year the share is taken over the report's own
-- remaining sentences, at least 5 of them).
WITH num AS (
    SELECT p.report_id, p.prev_report_id, p.prev_year,
           count(*) FILTER (WHERE cur.value IS NOT NULL AND prev.value IS NOT NULL) AS n_common,
           count(*) FILTER (WHERE cur.value IS NOT NULL AND prev.value IS NOT NULL AND cur.value = prev.value)
               AS n_equal,
           count(*) FILTER (WHERE cur.value IS NOT NULL AND prev.value IS NOT NULL AND cur.value <> 0) AS n_nonzero,
           -- a cell printed but not read (ambiguous glued digits) in either year: equal only if printed alike
           count(*) FILTER (WHERE ((cur.value IS NULL AND NOT cur.is_blank AND cur.marker IS NULL)
                                   OR (prev.value IS NULL AND NOT prev.is_blank AND prev.marker IS NULL))
                                  AND cur.raw_text IS DISTINCT FROM prev.raw_text) AS n_unread_diff
    FROM _rx_prev p
    JOIN _rx_cells cur ON cur.report_id = p.report_id
    JOIN _rx_cells prev ON prev.report_id = p.prev_report_id AND prev.cell_code = cur.cell_code
    GROUP BY ALL
), sent AS (
    -- hashed sentences (xxgk.rules.prepare.SENTENCES_SQL): in-scope, previous-year and other in-year reports
    SELECT report_id, h FROM _rx_sent
), nsent AS (
    SELECT report_id, count(*) AS n FROM sent GROUP BY report_id
), scope_sent AS (
    -- the whole year (also when only some reports are evaluated): boilerplate is a year-wide frequency
    SELECT s.report_id, s.h, r.year, r.agency_key, r.in_scope
    FROM sent s JOIN _rx_reports r ON r.report_id = s.report_id AND r.in_year AND r.is_current
), df AS (
    SELECT year, h, count(*) AS df, count(DISTINCT agency_key) AS n_agencies FROM scope_sent GROUP BY ALL
), ny AS (
    -- boilerplate threshold: a sentence printed by more than this many agencies of the year
    SELECT year, greatest(2, least(50, 0.05 * count(DISTINCT agency_key))) AS n_max
    FROM scope_sent GROUP BY year
), own AS (
    -- (b) against the previous year: only the report's own wording counts. A sentence that more than
    -- max(2, 5 %) of the year's agencies print is boilerplate: reusing it is not copying last year's report.
    SELECT s.report_id, s.h
    FROM sent s
    JOIN _rx_reports r ON r.report_id = s.report_id AND r.in_scope
    LEFT JOIN ny ON ny.year = r.year
    LEFT JOIN df ON df.year = r.year AND df.h = s.h
    WHERE coalesce(df.n_agencies, 0) <= coalesce(ny.n_max, 2)
), nown AS (
    SELECT report_id, count(*) AS n FROM own GROUP BY report_id
), prev_pairs AS (
    SELECT p.report_id, p.prev_report_id AS other_id, CAST(p.prev_year AS VARCHAR) AS tag, 'prev' AS kind,
           count(b.h) AS shared
    FROM _rx_prev p
    JOIN own a ON a.report_id = p.report_id
    LEFT JOIN sent b ON b.report_id = p.prev_report_id AND b.h = a.h
    GROUP BY ALL
), rare AS (
    SELECT s.* FROM scope_sent s JOIN df ON df.year = s.year AND df.h = s.h JOIN ny ON ny.year = s.year
    WHERE df.df >= 2 AND df.n_agencies <= ny.n_max
), other_pairs AS (
    SELECT a.report_id, b.report_id AS other_id, b.report_id AS tag, 'other' AS kind, count(*) AS shared
    FROM rare a JOIN rare b ON a.h = b.h AND a.year = b.year AND a.agency_key <> b.agency_key
    WHERE a.in_scope
    GROUP BY ALL
), txt AS (
    SELECT x.report_id, x.other_id, x.tag, x.kind, x.shared,
           CASE WHEN x.kind = 'prev' THEN no.n ELSE least(na.n, nb.n) END AS denom,
           x.shared / CASE WHEN x.kind = 'prev' THEN no.n ELSE least(na.n, nb.n) END AS sim
    FROM (SELECT * FROM prev_pairs UNION ALL SELECT * FROM other_pairs) x
    JOIN nsent na ON na.report_id = x.report_id
    JOIN nsent nb ON nb.report_id = x.other_id
    LEFT JOIN nown no ON no.report_id = x.report_id
)
SELECT n.report_id, 'X-COPY' AS rule_id, 'X' AS sheet,
       'T2:*,T3:*,T4:*,T2:*@' || n.prev_year || ',T3:*@' || n.prev_year || ',T4:*@' || n.prev_year AS cells,
       CASE WHEN n.n_common >= 10 AND n.n_equal = n.n_common AND n.n_nonzero > 0
            -- cells printed but not read in either report: identity is not known
            THEN CASE WHEN n.n_unread_diff > 0 THEN 'incomplete' ELSE 'fail' END
            ELSE 'pass' END AS status,
       n.n_common::DOUBLE AS expected, n.n_equal::DOUBLE AS actual,
       n.n_equal || ' of ' || n.n_common || ' numbers identical to report ' || n.prev_report_id || ' ('
           || n.prev_year || ')' AS evidence,
       NULL AS severity
FROM num n JOIN _rx_reports r ON r.report_id = n.report_id AND r.in_scope
UNION ALL
SELECT t.report_id, 'X-COPY', 'X', 'TEXT:S1,TEXT:S5,TEXT@' || t.tag,
       CASE WHEN t.denom >= 5 AND t.sim >= 0.8 THEN 'fail' ELSE 'pass' END,
       0.8, t.sim,
       t.shared || ' of ' || t.denom || ' sentences shared with report ' || t.other_id,
       NULL
FROM txt t JOIN _rx_reports r ON r.report_id = t.report_id AND r.in_scope
WHERE t.kind = 'prev' OR (t.denom >= 5 AND t.sim >= 0.8)
