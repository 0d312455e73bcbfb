-- A `json` column, a type PostgreSQL can neither order nor compare with `=`: the batch's tie
-- breaker and the change test use its text form there (test_merge_json.py); `doc` is `jsonb` on
-- PostgreSQL (ordered and compared as it is) and `json` elsewhere. The batch comes in as the it_var switch
-- merge_json_rows (a list of {id, seq, payload, doc}, each document a JSON text or null); off
-- unless merge_json_enabled is set.
{{ config(
    enabled=it_var('merge_json_enabled', false),
    materialized='pipeline_kit_merge',
    unique_key='id',
    merge_order_by='seq',
    merge_force_fallback=it_var('merge_force_fallback', false)
) }}
{%- set doc_type = 'jsonb' if target.type == 'postgres' else 'json' %}
{{ rows_select(it_var('merge_json_rows', []), [
    ['id', 'integer', 'number'],
    ['seq', 'integer', 'number'],
    ['payload', 'json', 'text'],
    ['doc', doc_type, 'text'],
]) }}
