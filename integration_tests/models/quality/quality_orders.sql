-- Orders with one known defect per rule (see seeds/quality/quality_orders_input.csv).
select * from {{ ref('quality_orders_input') }}
