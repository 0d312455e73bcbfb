-- The orders whose scores the suite checks against hand-computed values (the data quality section of the README).
select * from {{ ref('quality_orders_input') }}
