-- SCD1 over a full snapshot with hard_deletes=invalidate; the select: macros/scd_deletes_select.sql.
-- Var scd_max_deleted_ratio sets max_deleted_ratio (test_scd_hard_delete_safety.py).
{{ config(materialized='scd', scd_type=1, unique_key='id', updated_at='updated_at',
          strategy='check', check_cols=['val'], hard_deletes='invalidate',
          tags=['scd_batches'], load_timestamp="'2024-02-0" ~ it_var('scd_batch', 1) ~ " 00:00:00'",
          max_deleted_ratio=it_var('scd_max_deleted_ratio', none)) }}
{{ scd_deletes_select() }}
