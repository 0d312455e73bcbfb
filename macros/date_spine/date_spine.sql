{#- date_spine: one row per period in the half-open interval [start_date, end_date).
    The period count is computed at compile time from the literal bounds, so compiling never
    queries the warehouse, and every adapter uses its native row generator. Each row is
    start + k periods (anchored at the start, so month ends clamp without drifting). -#}
{% macro date_spine(datepart, start_date, end_date) %}
  {%- set supported = pipeline_kit._supported_dateparts() -%}
  {%- if datepart is not string or datepart | lower not in supported -%}
    {{ pipeline_kit._raise('date_spine', '`datepart` must be one of ' ~ (supported | join(', ')), datepart) }}
  {%- endif -%}
  {%- set part = datepart | lower -%}
  {%- set start = pipeline_kit._parse_datetime_bound('date_spine', 'start_date', start_date) -%}
  {%- set end = pipeline_kit._parse_datetime_bound('date_spine', 'end_date', end_date) -%}
  {%- if start.value > end.value -%}
    {{ pipeline_kit._raise('date_spine', '`start_date` is after `end_date`; the spine is the half-open interval [start_date, end_date)', start_date ~ ' > ' ~ end_date) }}
  {%- endif -%}
  {%- set spine = {
      'datepart': part,
      'start': start.value,
      'periods': pipeline_kit._count_periods(start.value, end.value, part),
      'is_timestamp': part == 'hour' or start.has_time or end.has_time,
      'column_name': 'date_' ~ part} -%}
  {{ return(adapter.dispatch('date_spine', 'pipeline_kit')(spine)) }}
{% endmacro %}

{#- The start bound as a typed SQL literal. -#}
{% macro _spine_start_literal(spine) %}
  {%- if spine.is_timestamp -%}
    {#- fractions of a second kept: the period count was taken from the full value -#}
    {{- return('cast(' ~ pipeline_kit._string_literal(pipeline_kit._datetime_text(spine.start, with_time=true)) ~ ' as ' ~ pipeline_kit._naive_timestamp_type() ~ ')') -}}
  {%- endif -%}
  {{- return('cast(' ~ pipeline_kit._string_literal(pipeline_kit._datetime_text(spine.start)) ~ ' as date)') -}}
{% endmacro %}

{#- Step of one period as (unit, multiplier): week = 7 days and quarter = 3 months on every engine. -#}
{% macro _spine_step(datepart) %}
  {{- return({'hour': ('hour', 1), 'day': ('day', 1), 'week': ('day', 7),
              'month': ('month', 1), 'quarter': ('month', 3), 'year': ('month', 12)}[datepart]) -}}
{% endmacro %}

{% macro default__date_spine(spine) %}
  {%- set unit, multiplier = pipeline_kit._spine_step(spine.datepart) -%}
  {%- set value_type = pipeline_kit._naive_timestamp_type() if spine.is_timestamp else 'date' -%}
  select
    cast({{ pipeline_kit._spine_start_literal(spine) }} + period_index * {{ multiplier }} * interval '1 {{ unit }}' as {{ value_type }}) as {{ spine.column_name }}
  from generate_series(0, {{ spine.periods }} - 1) as periods (period_index)
{% endmacro %}

{# DuckDB: range() is its native generator; interval arithmetic matches PostgreSQL's clamping #}
{% macro duckdb__date_spine(spine) %}
  {%- set unit, multiplier = pipeline_kit._spine_step(spine.datepart) -%}
  {%- set value_type = pipeline_kit._naive_timestamp_type() if spine.is_timestamp else 'date' -%}
  select
    cast({{ pipeline_kit._spine_start_literal(spine) }} + to_{{ unit }}s(cast(period_index * {{ multiplier }} as integer)) as {{ value_type }}) as {{ spine.column_name }}
  from range(0, {{ spine.periods }}) as periods (period_index)
{% endmacro %}

{# Snowflake: GENERATOR needs a constant row count (known here at compile time); seq4() may have gaps, so number rows with row_number() #}
{% macro snowflake__date_spine(spine) %}
  {%- set unit, multiplier = pipeline_kit._spine_step(spine.datepart) -%}
  select {{ spine.column_name }}
  from (
    select
      dateadd({{ unit }}, (row_number() over (order by seq4()) - 1) * {{ multiplier }}, {{ pipeline_kit._spine_start_literal(spine) }}) as {{ spine.column_name }}
    from table(generator(rowcount => {{ [spine.periods, 1] | max }}))
  ) as periods
  {%- if spine.periods == 0 %}
  where false
  {%- endif %}
{% endmacro %}
