-- SCD2 under an enforced contract (schema.yml), which lists the generated columns too, with the
-- sql_header its rows need (dbt_project.yml, contract_source). An incremental run with
-- --vars '{contract_drift: true}' must fail with dbt's contract error, as dbt's incremental does.
{{ config(
    materialized='scd',
    scd_type=2,
    unique_key='id',
    updated_at='updated_at'
) }}

select * from {{ ref('contract_source') }}
