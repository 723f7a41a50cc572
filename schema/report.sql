-- The usage report's per-plugin and per-pair aggregates, with the k-threshold, as SQL over a
-- table of collected payload texts, for when payloads live in a database or a warehouse.
-- Written for SQLite (3.38 or later, for ->>) and DuckDB (1.1 or later, for json_each); tested,
-- unchanged, on SQLite 3.40.1 (python3's sqlite3) and DuckDB 2.0.1 (the python module) by
-- Scripts/report-sql-check in .ci/run, which compares every view below with `anonymous-summary
-- report` (other versions in those ranges are expected to work, and are not tested).
--
--   CREATE TABLE payloads (body TEXT);      -- one collected line a row, as received
--   .read schema/report.sql                 -- creates the views below
--   SELECT * FROM report_plugins;  SELECT * FROM report_pairs;  SELECT * FROM report_suppressed;
--
-- Change the threshold in report_params. The SQL trusts the rows to be payloads of the
-- published shape (schema/payload.schema.json): load only the lines that `anonymous-summary
-- report --accepted OUT FILE…` writes to OUT (the lines it accepted, as read), or check them on
-- the way in. It skips rows that are not JSON and rows with no components (LDP payloads, which
-- the report keeps apart), nothing more: a general JSON reader keeps one of two duplicate keys
-- and reads 1e30 as a number, where the report refuses the line.
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
    WHERE json_valid(body) AND body ->> '$.components' IS NOT NULL
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
-- it). Each instance keeps at most max_plugins distinct plugins, and at most max_components
-- components of each.
--
-- Which plugins an instance with more than max_plugins keeps is decided from the instance's own
-- data alone, so the bound holds whatever is kept, and without random(), so that SQLite, DuckDB
-- (which refuses a volatile window ORDER BY) and every re-run keep the same ones: number the
-- instance's distinct plugins x = 0, 1, 2, … in text order of (type, name); from its id take
-- a = 1 + (the first 8 hex digits mod 2147483646) and b = (the last 8 hex digits mod 2147483647);
-- keep the max_plugins plugins with the smallest ((a * x + b) mod p)^2 mod p, where
-- p = 2147483647 = 2^31 - 1 (ties, which need a(x + y) + 2b = 0 mod p, broken by type and name).
-- Every integer stays below 2^63. Over random ids each plugin and each pair of an instance is kept
-- about as often as by a uniformly random choice. (`report --release exact --format counts` keeps a
-- uniformly random subset drawn from the system's CSPRNG instead: the two agree exactly on every
-- instance with at most max_plugins plugins, and keep as many plugins and pairs from the others.)
CREATE VIEW report_bounded AS
WITH per_instance AS (
         SELECT id, type, name, COUNT(*) AS components
         FROM report_usage
         GROUP BY id, type, name),
     numbered AS (
         SELECT id, type, name, components,
                ROW_NUMBER() OVER (PARTITION BY id ORDER BY type, name) - 1 AS plugin_number,
                1 + (
                   (instr('0123456789abcdef', substr(id, 1, 1)) - 1) * 268435456
                 + (instr('0123456789abcdef', substr(id, 2, 1)) - 1) * 16777216
                 + (instr('0123456789abcdef', substr(id, 3, 1)) - 1) * 1048576
                 + (instr('0123456789abcdef', substr(id, 4, 1)) - 1) * 65536
                 + (instr('0123456789abcdef', substr(id, 5, 1)) - 1) * 4096
                 + (instr('0123456789abcdef', substr(id, 6, 1)) - 1) * 256
                 + (instr('0123456789abcdef', substr(id, 7, 1)) - 1) * 16
                 + (instr('0123456789abcdef', substr(id, 8, 1)) - 1) * 1
                ) % 2147483646 AS a,
                (
                   (instr('0123456789abcdef', substr(id, 29, 1)) - 1) * 268435456
                 + (instr('0123456789abcdef', substr(id, 30, 1)) - 1) * 16777216
                 + (instr('0123456789abcdef', substr(id, 31, 1)) - 1) * 1048576
                 + (instr('0123456789abcdef', substr(id, 32, 1)) - 1) * 65536
                 + (instr('0123456789abcdef', substr(id, 33, 1)) - 1) * 4096
                 + (instr('0123456789abcdef', substr(id, 34, 1)) - 1) * 256
                 + (instr('0123456789abcdef', substr(id, 35, 1)) - 1) * 16
                 + (instr('0123456789abcdef', substr(id, 36, 1)) - 1) * 1
                ) % 2147483647 AS b
         FROM per_instance),
     keyed AS (
         SELECT id, type, name, components,
                (((a * plugin_number + b) % 2147483647) * ((a * plugin_number + b) % 2147483647)) % 2147483647 AS draw
         FROM numbered),
     ranked AS (
         SELECT id, type, name, components,
                ROW_NUMBER() OVER (PARTITION BY id ORDER BY draw, type, name) AS rank_in_id
         FROM keyed)
SELECT r.id, r.type, r.name,
       CASE WHEN r.components < k.max_components THEN r.components ELSE k.max_components END AS components
FROM ranked AS r, report_params AS k
WHERE r.rank_in_id <= k.max_plugins
-- Each (id, type, name) is one row already: the grouping changes nothing but makes SQLite
-- materialize the view and index it for report_counts_pairs's self-join (without it, SQLite scans
-- the whole view for every row: 60 s instead of 1 s on 5,000 instances).
GROUP BY r.id, r.type, r.name, r.components, k.max_components;

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
