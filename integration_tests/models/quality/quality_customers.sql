select * from {{ ref('quality_customers_input') }}
