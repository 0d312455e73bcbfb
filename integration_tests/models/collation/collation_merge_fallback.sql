-- PostgreSQL's UPDATE / INSERT path (taken before PostgreSQL 15): the same tie rule.
{{ config(
    enabled=target.type == 'postgres',
    materialized='pipeline_kit_merge',
    unique_key='id',
    merge_order_by='seq',
    merge_force_fallback=true
) }}
select * from {{ ref('collation_ties') }}
