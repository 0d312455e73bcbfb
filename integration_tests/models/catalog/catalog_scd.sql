-- SCD2 with dbt's grants and persist_docs (test_grants_and_docs.py), both off unless its vars are
-- set: var catalog_grantee (a role that must exist) and var catalog_docs (true).
{{ config(
    materialized='scd',
    scd_type=2,
    unique_key='id',
    updated_at='updated_at',
    grants={'select': [it_var('catalog_grantee')]} if it_var('catalog_grantee', none) else {},
    persist_docs={'relation': true, 'columns': true} if it_var('catalog_docs', false) else {}
) }}

select * from {{ ref('catalog_source') }}
