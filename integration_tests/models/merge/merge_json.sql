-- noqa: disable=LT02
-- (layout: the generated rows cannot be indented the way LT02 reads them)
-- A `json` column, a type PostgreSQL can neither order nor compare with `=`: the batch's tie
-- breaker and the change test use its text form there (test_merge_json.py); `doc` is `jsonb` on
-- PostgreSQL (ordered and compared as it is) and `json` elsewhere. The batch comes in as --vars
-- merge_json_rows (a list of {id, seq, payload, doc}, each document a JSON text or null); off
-- unless merge_json_enabled is set.
{{ config(
    enabled=it_var('merge_json_enabled', false),
    materialized='pipeline_kit_merge',
    unique_key='id',
    merge_order_by='seq',
    merge_force_fallback=it_var('merge_force_fallback', false)
) }}
{%- set rows = it_var('merge_json_rows', []) %}
{%- set doc_type = 'jsonb' if target.type == 'postgres' else 'json' %}
{%- if rows is string %}{% set rows = [] %}{% endif %}
{%- for row in rows %}
select
  cast({{ row['id'] }} as integer) as id,
  cast({{ row['seq'] }} as integer) as seq,
  cast({{ "'" ~ row['payload'] | replace("'", "''") ~ "'" if row.get('payload') is not none else 'null' }} as json) as payload,
  cast({{ "'" ~ row['doc'] | replace("'", "''") ~ "'" if row.get('doc') is not none else 'null' }} as {{ doc_type }}) as doc
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
{%- if rows | length == 0 %}
select
  cast(null as integer) as id,
  cast(null as integer) as seq,
  cast(null as json) as payload,
  cast(null as {{ doc_type }}) as doc
where 1 = 0
{%- endif %}
