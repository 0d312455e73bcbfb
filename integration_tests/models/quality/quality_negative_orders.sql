-- The same orders, carrying every failing case; built only when the negative-case driver
-- passes `pk_quality_negative: true` (so a plain `dbt build` stays green).
{{ config(enabled=it_var('pk_quality_negative', false)) }}
select * from {{ ref('quality_orders_input') }}
