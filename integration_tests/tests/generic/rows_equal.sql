{#- Test helper for the integration suite: the model holds exactly the expected rows (a multiset
    comparison: duplicates count, NULLs compare equal) over the expected seed's columns, and the
    model has no column the seed lacks. Rows returned are the differences. -#}
{% test rows_equal(model, expected, exclude_columns=[]) %}
  {%- set columns = [] -%}
  {%- if execute -%}
    {%- set excluded = exclude_columns | map('lower') | list -%}
    {%- for column in adapter.get_columns_in_relation(expected) -%}
      {%- if column.name | lower not in excluded -%}
        {%- do columns.append(column.name) -%}
      {%- endif -%}
    {%- endfor -%}
    {%- set expected_names = columns | map('lower') | list -%}
    {%- set unexpected = [] -%}
    {%- for column in adapter.get_columns_in_relation(model) -%}
      {%- if column.name | lower not in expected_names and column.name | lower not in excluded -%}
        {%- do unexpected.append(column.name) -%}
      {%- endif -%}
    {%- endfor -%}
    {%- if unexpected or not columns -%}
      {{ exceptions.raise_compiler_error('rows_equal: ' ~ model ~ ' has columns not in ' ~ expected ~ ': ' ~ unexpected ~ ' (expected ' ~ columns ~ ')') }}
    {%- endif -%}
  {%- endif -%}
  {%- set column_list = columns | join(', ') if columns else '*' -%}
  with actual_rows as (
    select {{ column_list }}, count(*) as row_count from {{ model }} {% if columns %}group by {{ column_list }}{% endif %}
  ),

  expected_rows as (
    select {{ column_list }}, count(*) as row_count from {{ expected }} {% if columns %}group by {{ column_list }}{% endif %}
  ),

  missing as (
    select * from expected_rows
    except
    select * from actual_rows
  ),

  unexpected as (
    select * from actual_rows
    except
    select * from expected_rows
  )

  select 'missing from model' as difference, missing.* from missing
  union all
  select 'not expected' as difference, unexpected.* from unexpected
{% endtest %}
