-- Ephemeral: no table exists, so the results hook and `pipeline-kit quality` must count the rows
-- its tests read from the CTE dbt compiles into each test.
{{ config(materialized='ephemeral') }}
select * from {{ ref('quality_orders_input') }}
