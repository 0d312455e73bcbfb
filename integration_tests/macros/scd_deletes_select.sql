{#- The select of the scd1_deletes_* and scd3_deletes_* models: the batches of scd2_deletes_input
    (key 2 missing from batches 2 and 3, back in 4), where key 3's val changes in batch 3. -#}
{% macro scd_deletes_select() %}
select
  id,
  case when id = 3 and batch in (3, 4) then 'c2' else val end as val,
  case
    when id = 3 and batch in (3, 4) then cast('2024-01-10 00:00:00' as timestamp) else updated_at
  end as updated_at
from {{ ref('scd2_deletes_input') }}
where batch = {{ it_var('scd_batch', 1) }}
{% endmacro %}
