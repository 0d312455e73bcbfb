{{ config(materialized='scd', scd_type=2, unique_key='Order ID', updated_at='updated at') }}
select * from {{ ref('quoted_names_legal') }}
