-- SCD2 (check strategy, every column tracked) with on_schema_change=append_new_columns: batch 1
-- has no email column, batch 2 adds it (test_scd_new_columns.py). var scd_on_schema_change
-- sets another mode; var scd_new_column_batch picks the batch; var scd_new_column_type: 1 for SCD1.
{{ config(
    materialized='scd',
    scd_type=var('scd_new_column_type', 2),
    unique_key='id',
    updated_at='updated_at',
    strategy='check',
    check_cols='all',
    on_schema_change=var('scd_on_schema_change', 'append_new_columns')
) }}

{%- set batch = var('scd_new_column_batch', 1) | int %}

select
  cast(v.id as integer) as id,
  cast(v.name as varchar(20)) as name,
  {%- if batch >= 2 %}
    cast(v.email as varchar(40)) as email,
  {%- endif %}
  cast(v.updated_at as timestamp) as updated_at
from (
  values
{%- if batch >= 2 %}
  (1, 'ann', 'ann@example.com', '2024-02-01 00:00:00'),
  (2, 'bob', null, '2024-02-01 00:00:00'),
  (3, 'cyd', null, '2024-02-01 00:00:00')
) as v (id, name, email, updated_at)
{%- else %}
  (1, 'ann', '2024-01-01 00:00:00'),
  (2, 'bob', '2024-01-01 00:00:00'),
  (3, 'cy', '2024-01-01 00:00:00')
) as v (id, name, updated_at)
{%- endif %}
