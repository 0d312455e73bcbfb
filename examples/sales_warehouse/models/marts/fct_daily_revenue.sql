-- Revenue per day of March 2024, with a row (and zero revenue) for days without orders.
with days as (
  {{ pipeline_kit.date_spine('day', '2024-03-01', '2024-04-01') }}
),

completed_orders as (
  select
    order_date,
    line_total
  from {{ ref('fct_orders') }}
  where status = 'completed'
)

select
  days.date_day,
  count(completed_orders.order_date) as completed_orders,
  coalesce(sum(completed_orders.line_total), 0) as revenue
from days
left join completed_orders on days.date_day = completed_orders.order_date
group by days.date_day
