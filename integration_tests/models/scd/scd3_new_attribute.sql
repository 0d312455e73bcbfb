-- SCD3 (check strategy, every column tracked) with on_schema_change=append_new_columns: batch 1
-- keeps name as its only SCD3 attribute and has no segment column; batch 2 adds segment and makes
-- tier and segment SCD3 attributes too (test_scd_new_columns.py). var scd_on_schema_change sets
-- another mode; var scd3_new_attribute_batch picks the batch; var scd3_new_attribute_columns
-- overrides the attributes.
{%- set batch = it_var('scd3_new_attribute_batch', 1) | int %}
{{ config(
    materialized='scd',
    scd_type=3,
    unique_key='id',
    updated_at='updated_at',
    strategy='check',
    check_cols='all',
    scd3_columns=it_var('scd3_new_attribute_columns', ['name', 'tier', 'segment'] if batch >= 2 else ['name']),
    on_schema_change=it_var('scd_on_schema_change', 'append_new_columns')
) }}

select
  cast(v.id as integer) as id,
  cast(v.name as varchar(20)) as name,
  cast(v.tier as varchar(12)) as tier,
  {%- if batch >= 2 %}
    cast(v.segment as varchar(12)) as segment,
  {%- endif %}
  cast(v.updated_at as timestamp) as updated_at
from (
  values
{%- if batch >= 2 %}
  (1, 'ann', 'platinum', 'retail', '2024-02-01 00:00:00'),
  (2, 'bob', 'silver', null, '2024-02-01 00:00:00'),
  (3, 'cyd', 'gold', 'b2b', '2024-02-01 00:00:00')
) as v (id, name, tier, segment, updated_at)
{%- else %}
  (1, 'ann', 'gold', '2024-01-01 00:00:00'),
  (2, 'bob', 'silver', '2024-01-01 00:00:00'),
  (3, 'cy', 'gold', '2024-01-01 00:00:00')
) as v (id, name, tier, updated_at)
{%- endif %}
