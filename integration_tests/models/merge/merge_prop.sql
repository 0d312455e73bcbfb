-- Property-test model: the batch comes in as the it_var switch merge_prop_rows (a list of
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
{{ rows_select(it_var('merge_prop_rows', []), [
    ['tenant', 'varchar(8)', 'text'],
    ['id', 'integer', 'number'],
    ['seq', 'integer', 'number'],
    ['op', 'varchar(1)', 'text'],
    ['val', 'integer', 'number'],
]) }}
