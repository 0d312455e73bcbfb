-- noqa: disable=LT02
-- (layout: the generated rows cannot be indented the way LT02 reads them)
-- Soft deletes with merge_update_columns: an update writes only `status`, but a change reviving a
-- deleted row (or a tombstone of an unseen key) is an insert and writes every column
-- (test_merge_soft_revive.py). The batch comes in as --vars merge_revive_rows (a list of
-- {id, status, amount, seq, op}); off unless merge_revive_enabled is set.
{{ config(
    enabled=it_var('merge_revive_enabled', false),
    materialized='pipeline_kit_merge',
    unique_key='id',
    merge_order_by='seq',
    merge_op_column='op',
    merge_delete_mode='soft',
    merge_update_columns=['status'],
    merge_force_fallback=it_var('merge_force_fallback', false)
) }}
{%- set rows = it_var('merge_revive_rows', []) %}
{%- if rows is string %}{% set rows = [] %}{% endif %}
{%- for row in rows %}
select
  cast({{ row['id'] }} as integer) as id,
  cast({{ "'" ~ row['status'] ~ "'" if row.get('status') is not none else 'null' }} as varchar(8)) as status,
  cast({{ row['amount'] if row.get('amount') is not none else 'null' }} as integer) as amount,
  cast({{ row['seq'] }} as integer) as seq,
  cast('{{ row['op'] }}' as varchar(1)) as op
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
{%- if rows | length == 0 %}
select
  cast(null as integer) as id,
  cast(null as varchar(8)) as status,
  cast(null as integer) as amount,
  cast(null as integer) as seq,
  cast(null as varchar(1)) as op
where 1 = 0
{%- endif %}
