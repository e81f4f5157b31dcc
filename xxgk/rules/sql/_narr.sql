-- Numbers quoted in the narrative (S1, or the whole text when sections are unknown), one row per report.
-- Patterns follow real wording: 共收到/受理/新收…申请X件, 办结/答复…X件, X件结转下年度 / 结转至YYYY年X件,
-- 予以公开X件, 予以公开及部分公开X件, 无法提供X件, 行政复议X件/起, (行政)诉讼X件/起, 均获维持,
-- 制发(行政)规范性文件X件. NULL when the narrative does not quote the figure. A quote (*_q) starts with
-- the region-wide phrase in front of it, if any (全市/全区/全县/全省… 共收到…); *_rw flags a quote whose
-- sentence (up to the quote) speaks of the whole region: 全市共收到…X件，办结Y件 → both region-wide.
CREATE OR REPLACE TEMP TABLE _rx_narr AS
WITH t AS (
    SELECT x.report_id, x.narrative AS s
    FROM _rx_text x JOIN _rx_reports r ON r.report_id = x.report_id AND r.in_scope
), raw AS (
    SELECT report_id, s,
        coalesce(nullif(regexp_extract(s, '(?:收到|受理|新收|接收|接到)[^。；，,\d]{0,40}?申请[^。；，,\d]{0,6}?(\d+)\s*件', 1), ''),
                 nullif(regexp_extract(s, '(?:收到|受理|新收|接收|接到)(\d+)\s*件[^。；，,]{0,12}申请', 1), '')) AS received,
        regexp_extract(s, '(?:全[市区县省州旗盟][^。；，,\d]{0,8}?)?(?:收到|受理|新收|接收|接到)[^。；，,\d]{0,40}?申请[^。；，,\d]{0,6}?\d+\s*件|(?:全[市区县省州旗盟][^。；，,\d]{0,8}?)?(?:收到|受理|新收|接收|接到)\d+\s*件[^。；，,]{0,12}申请', 0) AS received_q,
        nullif(regexp_extract(s, '(?:办结|答复)[^。；，,\d、]{0,20}?(\d+)\s*件', 1), '') AS concluded,
        regexp_extract(s, '(?:全[市区县省州旗盟][^。；，,\d]{0,8}?)?(?:办结|答复)[^。；，,\d、]{0,20}?\d+\s*件', 0) AS concluded_q,
        coalesce(nullif(regexp_extract(s, '结转(?:至|到)?(?:下年度|下一年度|下年|\d{4}年)[^。；，,\d]{0,10}?(\d+)\s*件', 1), ''),
                 nullif(regexp_extract(s, '(\d+)\s*件[^。；，,\d]{0,8}?结转(?:至|到)?(?:下年|下一年|\d{4}年)', 1), '')) AS carried,
        regexp_extract(s, '(?:全[市区县省州旗盟][^。；，,\d]{0,8}?)?结转(?:至|到)?(?:下年度|下一年度|下年|\d{4}年)[^。；，,\d]{0,10}?\d+\s*件|(?:全[市区县省州旗盟][^。；，,\d]{0,8}?)?\d+\s*件[^。；，,\d]{0,8}?结转(?:至|到)?(?:下年|下一年|\d{4}年)', 0) AS carried_q,
        nullif(regexp_extract(s, '予以公开(?:及|和|与|、)部分公开[^。；，,\d]{0,4}?(\d+)\s*件', 1), '') AS published_partial,
        nullif(regexp_extract(s, '予以公开(\d+)\s*件', 1), '') AS published,
        nullif(regexp_extract(s, '无法提供[^。；，,\d、]{0,4}?(\d+)\s*件', 1), '') AS unable,
        nullif(regexp_extract(s, '行政复议(?:案件)?[^。；，,\d、]{0,8}?(\d+)\s*(?:件|起|宗)', 1), '') AS review,
        regexp_extract(s, '(?:全[市区县省州旗盟][^。；，,\d]{0,8}?)?行政复议(?:案件)?[^。；，,\d、]{0,8}?\d+\s*(?:件|起|宗)', 0) AS review_q,
        nullif(regexp_extract(s, '诉讼(?:案件)?[^。；，,\d、]{0,8}?(\d+)\s*(?:件|起|宗)', 1), '') AS suit,
        regexp_extract(s, '(?:全[市区县省州旗盟][^。；，,\d]{0,8}?)?诉讼(?:案件)?[^。；，,\d、]{0,8}?\d+\s*(?:件|起|宗)', 0) AS suit_q,
        regexp_matches(s, '(?:均获|均予|均为|全部|均)维持') AS all_upheld,
        nullif(regexp_extract(s, '(?:制发|出台|印发|制定)[^。；，,\d、]{0,12}?(?:行政)?规范性文件[^。；，,\d]{0,4}?(\d+)\s*件', 1), '') AS normative,
        regexp_extract(s, '(?:制发|出台|印发|制定)[^。；，,\d、]{0,12}?(?:行政)?规范性文件[^。；，,\d]{0,4}?\d+\s*件', 0) AS normative_q
    FROM t
)
SELECT report_id,
       TRY_CAST(received AS DOUBLE) AS received, received_q,
       TRY_CAST(concluded AS DOUBLE) AS concluded, concluded_q,
       TRY_CAST(carried AS DOUBLE) AS carried, carried_q,
       TRY_CAST(published AS DOUBLE) AS published,
       TRY_CAST(published_partial AS DOUBLE) AS published_partial,
       TRY_CAST(unable AS DOUBLE) AS unable,
       TRY_CAST(review AS DOUBLE) AS review, review_q,
       TRY_CAST(suit AS DOUBLE) AS suit, suit_q,
       all_upheld,
       regexp_matches(regexp_extract(left(s, strpos(s, received_q) - 1), '[^。；\n]*$') || received_q, '全[市区县省州旗盟]') AS received_rw,
       regexp_matches(regexp_extract(left(s, strpos(s, concluded_q) - 1), '[^。；\n]*$') || concluded_q, '全[市区县省州旗盟]') AS concluded_rw,
       regexp_matches(regexp_extract(left(s, strpos(s, carried_q) - 1), '[^。；\n]*$') || carried_q, '全[市区县省州旗盟]') AS carried_rw,
       regexp_matches(regexp_extract(left(s, strpos(s, review_q) - 1), '[^。；\n]*$') || review_q, '全[市区县省州旗盟]') AS review_rw,
       regexp_matches(regexp_extract(left(s, strpos(s, suit_q) - 1), '[^。；\n]*$') || suit_q, '全[市区县省州旗盟]') AS suit_rw,
       TRY_CAST(normative AS DOUBLE) AS normative, normative_q
FROM raw
