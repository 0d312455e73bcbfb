-- Soft deletes with merge_update_columns: an update writes only `status`, but a change reviving a
-- deleted row (or a tombstone of an unseen key) is an insert and writes every column
-- (test_merge_soft_revive.py). The batch comes in as the it_var switch merge_revive_rows (a list of
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
{{ rows_select(it_var('merge_revive_rows', []), [
    ['id', 'integer', 'number'],
    ['status', 'varchar(8)', 'text'],
    ['amount', 'integer', 'number'],
    ['seq', 'integer', 'number'],
    ['op', 'varchar(1)', 'text'],
]) }}
