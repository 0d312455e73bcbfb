-- pipeline_kit_merge under an enforced contract (schema.yml), which lists the audit columns the
-- materialization adds, with the sql_header its rows need (dbt_project.yml, contract_source). An
-- incremental run with --vars '{contract_drift: true}' must fail with dbt's contract error, as
-- dbt's incremental does.
{{ config(
    materialized='pipeline_kit_merge',
    unique_key='id',
    merge_order_by='updated_at',
    merge_audit_columns=true
) }}

select * from {{ ref('contract_source') }}
