{#- Test helper for the SCD suite: after load `batch`, the model holds exactly the rows of the
    expected seed whose after_batch = batch (multiset equality over the seed's columns; NULLs
    compare equal). Columns in `exclude_columns` (e.g. the surrogate key) are not compared. -#}
{% test scd_rows_equal_at_batch(model, expected, batch, exclude_columns=[]) %}
  {%- set columns = [] -%}
  {%- if execute -%}
    {%- set excluded = (exclude_columns | map('lower') | list) + ['after_batch'] -%}
    {%- for column in adapter.get_columns_in_relation(expected) -%}
      {%- if column.name | lower not in excluded -%}
        {%- do columns.append(column.name) -%}
      {%- endif -%}
    {%- endfor -%}
    {%- set expected_names = columns | map('lower') | list -%}
    {%- for column in adapter.get_columns_in_relation(model) -%}
      {%- if column.name | lower not in expected_names and column.name | lower not in excluded -%}
        {{ exceptions.raise_compiler_error('scd_rows_equal_at_batch: ' ~ model ~ ' has column ' ~ column.name ~ ' not in ' ~ expected) }}
      {%- endif -%}
    {%- endfor -%}
  {%- endif -%}
  {%- set column_list = columns | join(', ') if columns else '*' -%}
  with actual_rows as (
    select {{ column_list }}, count(*) as row_count from {{ model }} group by {{ column_list }}
  ),

  expected_rows as (
    select {{ column_list }}, count(*) as row_count from {{ expected }}
    where after_batch = {{ batch }}
    group by {{ column_list }}
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
