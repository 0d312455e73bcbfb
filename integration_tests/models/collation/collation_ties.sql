-- Ties on the ordering column broken by a text column. On PostgreSQL the column carries an ICU
-- en-US collation, as a database created with an en_US locale gives every text column: there 'a'
-- sorts before 'B' and 'b' before 'B', where DuckDB and Snowflake compare bytes ('B' first). The
-- merge and deduplicate must keep the same rows everywhere (collation_ties_expected).
{{ config(materialized='table') }}
{%- set collate = ' collate "en-US-x-icu"' if target.type == 'postgres' else '' %}
select
  cast(v.id as integer) as id,
  cast(v.seq as integer) as seq,
  cast(v.label as varchar(8)){{ collate }} as label
from (values (1, 1, 'a'), (1, 1, 'B'), (2, 1, 'b'), (2, 1, 'B'), (3, 2, 'z'), (3, 1, 'A')) as v (id, seq, label)
