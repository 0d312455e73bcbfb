-- n rows, 20% of them duplicates of another row's key (ids below n/5 appear twice).
{% set n = var('dedup_rows') | int %}
with numbered as (
  {{ bench_rows(n) }}
)

select
  cast(i % {{ (n * 4) // 5 }} as bigint) as id,
  cast('2024-01-01 00:00:00' as timestamp) + (i % 86400) * interval '1 second' as updated_at,
  cast(i % 1000 as numeric(12, 2)) as amount,
  case when i % 3 = 0 then 'open' else 'closed' end as status
from numbered
