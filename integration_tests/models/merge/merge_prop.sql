-- noqa: disable=LT02
-- (layout: the Jinja-conditional columns / generated rows cannot be indented the way LT02 reads them)
-- Property-test model: the batch comes in as --vars merge_prop_rows (a list of
-- {tenant, id, seq, op, val}); off unless merge_prop_enabled is set, so plain builds skip it.
{{ config(
    enabled=it_var('merge_prop_enabled', false),
    materialized='pipeline_kit_merge',
    unique_key=['tenant', 'id'],
    merge_order_by='seq',
    merge_op_column='op',
    merge_delete_mode=it_var('merge_prop_mode', 'hard'),
    merge_force_fallback=it_var('merge_force_fallback', false),
    tags=['merge_batches']
) }}
{%- set rows = it_var('merge_prop_rows', []) %}
{%- if rows is string %}{% set rows = [] %}{% endif %}
{%- for row in rows %}
select
  cast({{ "'" ~ row['tenant'] ~ "'" if row['tenant'] is not none else 'null' }} as varchar(8)) as tenant,
  cast({{ row['id'] }} as integer) as id,
  cast({{ row['seq'] if row['seq'] is not none else 'null' }} as integer) as seq,
  cast('{{ row['op'] }}' as varchar(1)) as op,
  cast({{ row['val'] if row['val'] is not none else 'null' }} as integer) as val
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
{%- if rows | length == 0 %}
select
  cast(null as varchar(8)) as tenant,
  cast(null as integer) as id,
  cast(null as integer) as seq,
  cast(null as varchar(1)) as op,
  cast(null as integer) as val
where 1 = 0
{%- endif %}
