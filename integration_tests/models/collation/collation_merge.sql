{{ config(materialized='pipeline_kit_merge', unique_key='id', merge_order_by='seq') }}
select * from {{ ref('collation_ties') }}
