-- the ordering column written as dbt's own strategies need it, in double quotes; the key plainly
{{ config(materialized='pipeline_kit_merge', unique_key='Order ID', merge_order_by='"updated at"') }}
select * from {{ ref('quoted_names_legal') }}
