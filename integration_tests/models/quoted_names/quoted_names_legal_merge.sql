{{ config(materialized='pipeline_kit_merge', unique_key='Order ID', merge_order_by='updated at') }}
select * from {{ ref('quoted_names_legal') }}
