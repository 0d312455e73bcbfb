-- The orders whose scores the suite checks against hand-computed values (docs/quality.md).
select * from {{ ref('quality_orders_input') }}
