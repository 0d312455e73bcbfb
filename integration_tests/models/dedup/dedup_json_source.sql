-- A relation with a `json` column, which PostgreSQL can neither order nor compare with `=`
-- (test_dedup_json.py deduplicates it in dedup_json), and `doc`: `jsonb` on PostgreSQL (which
-- it orders as it is), `json` elsewhere. Ties on `v` inside a key differ only in the payload
-- (key 4: only in doc); off unless dedup_json_enabled is set.
{{ config(enabled=it_var('dedup_json_enabled', false)) }}
select
  cast(src.id as integer) as id,
  cast(src.v as integer) as v,
  cast(src.payload as json) as payload,
  cast(src.doc as {{ 'jsonb' if target.type == 'postgres' else 'json' }}) as doc
from (
  values
  (1, 2, '{"k": "b"}', '{"d": 1}'),
  (1, 2, '{"k": "a"}', '{"d": 1}'),
  (1, 1, '{"k": "0"}', '{"d": 1}'),
  (2, 1, null, '{"d": 1}'),
  (2, 1, '{"x": 1}', '{"d": 1}'),
  (3, null, '{"y": 1}', '{"d": 1}'),
  (3, 5, '{"y": 2}', '{"d": 1}'),
  (4, 1, '{"w": 1}', '{"d": 2}'),
  (4, 1, '{"w": 1}', null),
  (4, 1, '{"w": 1}', '{"d": 1}')
) as src (id, v, payload, doc)
