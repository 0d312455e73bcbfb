{#- date_dimension: one row per day in [start_date, end_date) with calendar attributes.
    Names of days and months are spelled out here (not taken from the engine's locale), so
    every adapter returns the same text. Fiscal years are named by the calendar year they end in. -#}
{% macro date_dimension(start_date, end_date, fiscal_year_start_month=1) %}
  {%- if fiscal_year_start_month is not number or fiscal_year_start_month is boolean or fiscal_year_start_month != fiscal_year_start_month | int
        or fiscal_year_start_month < 1 or fiscal_year_start_month > 12 -%}
    {{ pipeline_kit._raise('date_dimension', '`fiscal_year_start_month` must be an integer from 1 to 12', fiscal_year_start_month) }}
  {%- endif -%}
  {%- set start = pipeline_kit._parse_datetime_bound('date_dimension', 'start_date', start_date) -%}
  {%- set end = pipeline_kit._parse_datetime_bound('date_dimension', 'end_date', end_date) -%}
  {%- if start.has_time or end.has_time -%}
    {{ pipeline_kit._raise('date_dimension', 'bounds must be dates without a time of day', start_date ~ ', ' ~ end_date) }}
  {%- endif -%}
  {%- if start.value > end.value -%}
    {{ pipeline_kit._raise('date_dimension', '`start_date` is after `end_date`; the dimension covers the half-open interval [start_date, end_date)', start_date ~ ' > ' ~ end_date) }}
  {%- endif -%}
  {{ return(adapter.dispatch('date_dimension', 'pipeline_kit')(start_date, end_date, fiscal_year_start_month | int)) }}
{% endmacro %}

{% macro default__date_dimension(start_date, end_date, fiscal_year_start_month) %}
  {%- set day_names = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] -%}
  {%- set month_names = ['January', 'February', 'March', 'April', 'May', 'June', 'July',
                         'August', 'September', 'October', 'November', 'December'] -%}
  with spine as (
    {{ pipeline_kit.date_spine('day', start_date, end_date) }}
  ),

  parts as (
    select
      date_day,
      cast({{ pipeline_kit._date_part('year', 'date_day') }} as integer) as calendar_year,
      cast({{ pipeline_kit._date_part('month', 'date_day') }} as integer) as month_of_year,
      cast({{ pipeline_kit._date_part('day', 'date_day') }} as integer) as day_of_month,
      cast({{ pipeline_kit._date_part('doy', 'date_day') }} as integer) as day_of_year,
      cast({{ pipeline_kit._date_part('isodow', 'date_day') }} as integer) as iso_day_of_week,
      cast({{ pipeline_kit._date_part('isoweek', 'date_day') }} as integer) as iso_week,
      cast({{ pipeline_kit._date_part('isoyear', 'date_day') }} as integer) as iso_year
    from spine
  )

  select
    cast(calendar_year * 10000 + month_of_year * 100 + day_of_month as integer) as date_key,
    date_day,
    iso_day_of_week as day_of_week,
    case iso_day_of_week
      {%- for name in day_names %}
      when {{ loop.index }} then '{{ name }}'
      {%- endfor %}
    end as day_of_week_name,
    day_of_month,
    day_of_year,
    iso_week,
    iso_year,
    {{ pipeline_kit._add_days('date_day', '1 - iso_day_of_week') }} as iso_week_start_date,
    month_of_year,
    case month_of_year
      {%- for name in month_names %}
      when {{ loop.index }} then '{{ name }}'
      {%- endfor %}
    end as month_name,
    cast(floor((month_of_year - 1) / 3.0) + 1 as integer) as quarter_of_year,
    calendar_year,
    iso_day_of_week >= 6 as is_weekend,
    {{ pipeline_kit._add_days('date_day', '1 - day_of_month') }} as first_day_of_month,
    {{ pipeline_kit._last_day_of_month('date_day') }} as last_day_of_month,
    {%- if fiscal_year_start_month == 1 %}
    calendar_year as fiscal_year,
    cast(floor((month_of_year - 1) / 3.0) + 1 as integer) as fiscal_quarter
    {%- else %}
    calendar_year + case when month_of_year >= {{ fiscal_year_start_month }} then 1 else 0 end as fiscal_year,
    cast(floor(((month_of_year - {{ fiscal_year_start_month }} + 12) % 12) / 3.0) + 1 as integer) as fiscal_quarter
    {%- endif %}
  from parts
{% endmacro %}
