-- pipeline_kit_merge under an enforced contract whose label is varchar(8) (schema.yml). With
-- --vars '{contract_long_label: true}' the select's label is a varchar(24) holding a longer value:
-- the contract check passes (it compares types without their lengths), so only the table's own
-- type stops the value. As dbt's incremental does under a contract, the target is not widened:
-- the run must fail on PostgreSQL and leave the table and its varchar(8) as they were. With
-- --vars '{contract_off: true}' there is no contract, and the target is widened as dbt's would be.
{{ config(
    materialized='pipeline_kit_merge',
    contract={'enforced': not it_var('contract_off', false)},
    unique_key='id',
    merge_order_by='updated_at'
) }}

{%- set long_label = it_var('contract_long_label', false) %}

select
  cast(v.id as integer) as id,
  cast(v.updated_at as timestamp) as updated_at,
  cast(v.label as varchar({{ 24 if long_label else 8 }})) as label
from (
  values
  (1, '2024-01-01 00:00:00', 'one'),
  {% if long_label -%}
    (2, '2024-01-03 00:00:00', 'a label of twenty chars')
  {%- else -%}
    (2, '2024-01-02 00:00:00', 'two')
  {%- endif %}
) as v (id, updated_at, label)
