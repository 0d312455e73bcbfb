-- Baseline: the plain row_number() filter most projects hand-write.
select
  id,
  updated_at,
  amount,
  status
from (
  select
    *,
    row_number() over (partition by id order by updated_at desc) as row_num
  from {{ ref('dedup_input') }}
) as ranked
where row_num = 1
