-- SCD2 (check strategy, every column tracked) with on_schema_change=append_new_columns: batch 1
-- has no email column, batch 2 adds it (test_scd_new_columns.py). var scd_on_schema_change
-- sets another mode; var scd_new_column_batch picks the batch; var scd_new_column_type: 1 for SCD1;
-- var scd_score_type retypes score.
{{ config(
    materialized='scd',
    scd_type=it_var('scd_new_column_type', 2),
    unique_key='id',
    updated_at='updated_at',
    strategy='check',
    check_cols='all',
    on_schema_change=it_var('scd_on_schema_change', 'append_new_columns')
) }}

{%- set batch = it_var('scd_new_column_batch', 1) | int %}

select
  cast(v.id as integer) as id,
  cast(v.name as varchar(20)) as name,
  cast(v.score as {{ it_var('scd_score_type', 'integer') }}) as score,
  {%- if batch >= 2 %}
    cast(v.email as varchar(40)) as email,
  {%- endif %}
  cast(v.updated_at as timestamp) as updated_at
from (
  values
{%- if batch >= 2 %}
  (1, 'ann', 10, 'ann@example.com', '2024-02-01 00:00:00'),
  (2, 'bob', 20, null, '2024-02-01 00:00:00'),
  (3, 'cyd', 30, null, '2024-02-01 00:00:00')
) as v (id, name, score, email, updated_at)
{%- else %}
  (1, 'ann', 10, '2024-01-01 00:00:00'),
  (2, 'bob', 20, '2024-01-01 00:00:00'),
  (3, 'cy', 30, '2024-01-01 00:00:00')
) as v (id, name, score, updated_at)
{%- endif %}
