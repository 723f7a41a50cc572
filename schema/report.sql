-- The usage report's per-plugin and per-pair aggregates, with the k-threshold, as SQL over a
-- table of collected payload texts, for when payloads live in a database or a warehouse.
-- Runs unchanged on SQLite (3.38 or later, for ->>) and DuckDB (1.1 or later, for json_each).
--
--   CREATE TABLE payloads (body TEXT);      -- one collected line a row, as received
--   .read schema/report.sql                 -- creates the views below
--   SELECT * FROM report_plugins;  SELECT * FROM report_pairs;  SELECT * FROM report_suppressed;
--
-- Change the threshold in report_params. The SQL trusts the rows to be payloads of the
-- published shape (schema/payload.schema.json): load only lines that `anonymous-summary report`
-- accepts, or check them on the way in; it skips rows that are not JSON, nothing more.
-- Instances: payloads grouped by id, the greatest uptime standing (ties: the smaller text).
-- Pairs are named with a before b in text order of (type, name).

DROP VIEW IF EXISTS report_counts_pairs;
DROP VIEW IF EXISTS report_counts_plugins;
DROP VIEW IF EXISTS report_bounded;
DROP VIEW IF EXISTS report_suppressed;
DROP VIEW IF EXISTS report_pairs;
DROP VIEW IF EXISTS report_plugins;
DROP VIEW IF EXISTS report_usage;
DROP VIEW IF EXISTS report_instances;
DROP VIEW IF EXISTS report_params;

-- K: no figure of the exact views rests on fewer instances than this. C and M: the contribution
-- bounds of the counts views (report_counts_*), which feed `report --counts` (see below).
CREATE VIEW report_params AS SELECT 10 AS min_instances, 8 AS max_plugins, 4 AS max_components;

-- One row an instance: the payload with the greatest uptime for each id.
CREATE VIEW report_instances AS
SELECT id, body
FROM (
    SELECT body ->> '$.id' AS id,
           body,
           ROW_NUMBER() OVER (PARTITION BY body ->> '$.id'
                              ORDER BY CAST(body ->> '$.uptime' AS BIGINT) DESC, body) AS rank_in_id
    FROM payloads
    WHERE json_valid(body)
) AS ranked
WHERE rank_in_id = 1;

-- One row a component of an instance.
CREATE VIEW report_usage AS
SELECT i.id AS id, c.value ->> '$.type' AS type, c.value ->> '$.name' AS name
FROM report_instances AS i, json_each(i.body, '$.components') AS c;

-- Plugins used by at least K instances: instances, share of all instances, components.
CREATE VIEW report_plugins AS
WITH total AS (SELECT COUNT(*) AS n FROM report_instances),
     per_plugin AS (
         SELECT type, name, COUNT(DISTINCT id) AS instances, COUNT(*) AS components
         FROM report_usage
         GROUP BY type, name)
SELECT p.type, p.name, p.instances, p.instances * 1.0 / t.n AS share, p.components
FROM per_plugin AS p, total AS t, report_params AS k
WHERE p.instances >= k.min_instances
ORDER BY p.type, p.instances DESC, p.name;

-- Pairs of plugins used together by at least K instances: lift and confidence both ways.
CREATE VIEW report_pairs AS
WITH total AS (SELECT COUNT(*) AS n FROM report_instances),
     used AS (SELECT DISTINCT id, type, name FROM report_usage),
     per_plugin AS (SELECT type, name, COUNT(*) AS instances FROM used GROUP BY type, name),
     together AS (
         SELECT a.type AS a_type, a.name AS a_name, b.type AS b_type, b.name AS b_name, COUNT(*) AS instances
         FROM used AS a
         JOIN used AS b ON a.id = b.id AND (a.type < b.type OR (a.type = b.type AND a.name < b.name))
         GROUP BY a.type, a.name, b.type, b.name)
SELECT g.a_type, g.a_name, g.b_type, g.b_name, g.instances,
       g.instances * 1.0 * t.n / (pa.instances * pb.instances) AS lift,
       g.instances * 1.0 / pa.instances AS confidence_ab,
       g.instances * 1.0 / pb.instances AS confidence_ba
FROM together AS g
JOIN per_plugin AS pa ON pa.type = g.a_type AND pa.name = g.a_name
JOIN per_plugin AS pb ON pb.type = g.b_type AND pb.name = g.b_name
CROSS JOIN total AS t
CROSS JOIN report_params AS k
WHERE g.instances >= k.min_instances
ORDER BY lift DESC, g.instances DESC, g.a_type, g.a_name, g.b_type, g.b_name;

-- How many plugins and pairs the threshold withheld (their numbers are never shown).
CREATE VIEW report_suppressed AS
WITH used AS (SELECT DISTINCT id, type, name FROM report_usage),
     per_plugin AS (SELECT type, name, COUNT(*) AS instances FROM used GROUP BY type, name),
     together AS (
         SELECT COUNT(*) AS instances
         FROM used AS a
         JOIN used AS b ON a.id = b.id AND (a.type < b.type OR (a.type = b.type AND a.name < b.name))
         GROUP BY a.type, a.name, b.type, b.name)
SELECT (SELECT COUNT(*) FROM per_plugin, report_params AS k WHERE instances < k.min_instances) AS plugins,
       (SELECT COUNT(*) FROM together, report_params AS k WHERE instances < k.min_instances) AS pairs;

-- Exact counts under the contribution bounds, for the counts file that `anonymous-summary report
-- --counts FILE` releases with differential privacy (schema/report-counts.schema.json). They are
-- exact: not for publication. SQL adds no noise (a SQL engine's random numbers are not fit for
-- it); random() here only picks which C plugins an instance with more than C keeps, which
-- decides nothing about privacy (any choice made from the instance's own data keeps the bound).
-- Each instance keeps at most max_plugins distinct plugins, and at most max_components
-- components of each.
CREATE VIEW report_bounded AS
WITH per_instance AS (
         SELECT id, type, name, COUNT(*) AS components
         FROM report_usage
         GROUP BY id, type, name),
     ranked AS (
         SELECT id, type, name, components,
                ROW_NUMBER() OVER (PARTITION BY id ORDER BY random()) AS rank_in_id
         FROM per_instance)
SELECT r.id, r.type, r.name,
       CASE WHEN r.components < k.max_components THEN r.components ELSE k.max_components END AS components
FROM ranked AS r, report_params AS k
WHERE r.rank_in_id <= k.max_plugins;

CREATE VIEW report_counts_plugins AS
SELECT type, name, COUNT(*) AS instances, SUM(components) AS components
FROM report_bounded
GROUP BY type, name
ORDER BY type, name;

CREATE VIEW report_counts_pairs AS
SELECT a.type AS a_type, a.name AS a_name, b.type AS b_type, b.name AS b_name, COUNT(*) AS instances
FROM report_bounded AS a
JOIN report_bounded AS b ON a.id = b.id AND (a.type < b.type OR (a.type = b.type AND a.name < b.name))
GROUP BY a.type, a.name, b.type, b.name
ORDER BY a.type, a.name, b.type, b.name;
