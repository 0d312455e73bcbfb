-- pipeline_kit_merge under each on_schema_change option (var merge_schema_mode), for
-- test_merge_schema_changes.py: batch 1 has id, updated_at, qty (integer) and label; batch 2
-- (var merge_schema_batch) drops label, adds note and gives qty cents (decimal(10,2)); batch 3
-- has batch 1's columns in types the table holds (smallint, varchar(5)); batch 4 is batch 1 plus
-- note.
{{ config(
    materialized='pipeline_kit_merge',
    unique_key='id',
    merge_order_by='updated_at',
    on_schema_change=it_var('merge_schema_mode', 'fail')
) }}

{%- set batch = it_var('merge_schema_batch', 1) | int %}

select
  cast(v.id as integer) as id,
  cast(v.updated_at as timestamp) as updated_at,
  {%- if batch == 2 %}
    cast(v.qty as decimal(10, 2)) as qty,
    cast(v.note as varchar(20)) as note
  {%- elif batch == 3 %}
    cast(v.qty as smallint) as qty,
    cast(v.label as varchar(5)) as label
  {%- elif batch == 4 %}
    cast(v.qty as integer) as qty,
    cast(v.label as varchar(20)) as label,
    cast('n' || cast(v.id as varchar) as varchar(20)) as note
  {%- else %}
    cast(v.qty as integer) as qty,
    cast(v.label as varchar(20)) as label
  {%- endif %}
from (
  values
{%- if batch == 2 %}
  (2, '2024-02-01 00:00:00', 7.50, 'n2'),
  (3, '2024-02-01 00:00:00', 1.25, 'n3')
) as v (id, updated_at, qty, note)
{%- elif batch == 3 %}
  (2, '2024-03-01 00:00:00', 9, 'c')
) as v (id, updated_at, qty, label)
{%- else %}
  (1, '2024-01-01 00:00:00', 5, 'a'),
  (2, '2024-01-01 00:00:00', 7, 'b')
) as v (id, updated_at, qty, label)
{%- endif %}
