-- The orders whose scores the suite checks against hand-computed values (the README's data quality section).
select * from {{ ref('quality_orders_input') }}
