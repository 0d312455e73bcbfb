{{ config(enabled=it_var('pk_quoted_names', false), materialized='pipeline_kit_merge', unique_key='id', merge_order_by='updated_at') }}
select * from {{ ref('quoted_names_source') }}
