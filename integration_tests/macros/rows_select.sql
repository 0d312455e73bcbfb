-- noqa: disable=LT02
-- (layout: the generated rows sit at the left margin of the model that calls this)
{% macro rows_select(rows, columns) -%}
  {#- Literal rows as a relation, for the models whose batch a test passes in a variable.
      `rows`: a list of objects; `columns`: [name, SQL type, 'text' or 'number'] each, in order.
      A missing or null value is NULL; text is quoted (quotes doubled). No rows: an empty relation
      of the same columns, so the model keeps its types. (A string: sqlfluff's stand-in var.) -#}
  {%- set rows = [] if rows is string else rows -%}
  {%- for row in (rows or [none]) %}
select
    {%- for column in columns %}
      {%- set value = row.get(column[0]) if row is not none else none %}
      {%- if value is none %}
        {%- set literal = 'null' %}
      {%- elif column[2] == 'text' %}
        {%- set literal = "'" ~ (value | string | replace("'", "''")) ~ "'" %}
      {%- else %}
        {%- set literal = value | string %}
      {%- endif %}
  cast({{ literal }} as {{ column[1] }}) as {{ column[0] }}{{ ',' if not loop.last }}
    {%- endfor %}
    {%- if row is none %}
where 1 = 0
    {%- endif %}
    {%- if not loop.last %}
union all
    {%- endif %}
  {%- endfor %}
{%- endmacro %}
