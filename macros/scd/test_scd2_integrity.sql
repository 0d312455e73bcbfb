{#- Generic test for an SCD2 table (ours or any other): per key, validity ranges are
    non-empty, never overlap, leave no gap (unless allow_gaps, for deletions recorded by closing
    a version), exactly the open-ended row is current, at most one current row per key, no two
    versions start at the same time. The key may be composite and may contain NULLs.
    Key names may need quotes (`Order ID`, "OrderId"), plain or double-quoted, as the scd
    materialization accepts them. Returns one row per violation. Versions are grouped by the key columns themselves (windows
    and GROUP BY put NULLs together), not by their text: on Snowflake a timestamp's text follows
    the session's output format, milliseconds by default, which would merge distinct keys. -#}
{% test scd2_integrity(model, unique_key, valid_from='valid_from', valid_to='valid_to', is_current='is_current', open_end=none, allow_gaps=false) %}
  {%- set keys = pipeline_kit._as_list('scd2_integrity', 'unique_key', unique_key) -%}
  {#- each key as the model names it, quoted (`Order ID`, `"Order ID"`, a reserved word), found as
      the quality tests find a column: a plain name in any case, a quoted one exactly; unknown
      columns (an ephemeral model): a plain name as written, any other quoted -#}
  {%- set ctx = pipeline_kit._quality_context(model, 'scd2_integrity') -%}
  {%- set key_exprs = [] -%}
  {%- set key_aliases = [] -%}
  {%- for key in keys -%}
    {%- do key_exprs.append('m.' ~ pipeline_kit._quality_column(ctx, 'unique_key', {'column': key | string})) -%}
    {%- do key_aliases.append('_pk_k' ~ loop.index) -%}
  {%- endfor -%}
  {%- set by_key = key_aliases | join(', ') -%}
  {%- if open_end is not none -%}
    {%- set open_end_sql = pipeline_kit._scd_timestamp_literal('scd2_integrity', 'open_end', open_end) -%}
  {%- endif -%}
  with versions as (
    select
      {{ pipeline_kit._scd_encode(key_exprs) }} as _pk_key,
      {%- for expr in key_exprs %}
      {{ expr }} as {{ key_aliases[loop.index0] }},
      {%- endfor %}
      m.{{ valid_from }} as _pk_vf,
      {%- if open_end is not none %}
      case when m.{{ valid_to }} = {{ open_end_sql }} then null else m.{{ valid_to }} end as _pk_vt,
      {%- else %}
      m.{{ valid_to }} as _pk_vt,
      {%- endif %}
      m.{{ is_current }} as _pk_current
    from {{ model }} as m
  ),

  ordered as (
    select
      v.*,
      lead(v._pk_vf) over (partition by {{ by_key }} order by v._pk_vf) as _pk_next_vf,
      count(*) over (partition by {{ by_key }}, v._pk_vf) as _pk_same_start
    from versions as v
  )

  select _pk_key, 'two versions start at the same time' as problem from ordered where _pk_same_start > 1
  union all
  select _pk_key, 'empty or inverted range' from ordered where _pk_vt is not null and _pk_vt <= _pk_vf
  union all
  select _pk_key, 'overlapping ranges' from ordered where _pk_next_vf is not null and (_pk_vt is null or _pk_vt > _pk_next_vf)
  {%- if not allow_gaps %}
  union all
  select _pk_key, 'gap between ranges' from ordered where _pk_next_vf is not null and _pk_vt < _pk_next_vf
  {%- endif %}
  union all
  select _pk_key, 'is_current disagrees with the open end' from ordered
  where (_pk_current and _pk_vt is not null) or (not _pk_current and _pk_vt is null)
  union all
  select min(_pk_key), 'more than one current row' from versions
  group by {{ by_key }}
  having sum(case when _pk_current then 1 else 0 end) > 1
{% endtest %}
