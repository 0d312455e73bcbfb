-- the key written as dbt's snapshots need it, in double quotes; the change column plainly
{{ config(materialized='scd', scd_type=2, unique_key='"Order ID"', updated_at='updated at') }}
select * from {{ ref('quoted_names_legal') }}
