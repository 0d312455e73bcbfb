{#- One place that formats every pipeline_kit compile-time error, so messages always read
    `pipeline_kit.<macro>: <model>: <what is wrong> (got <value>)`. -#}
{% macro _raise(macro_name, message, got=none) %}
  {%- set where = [] -%}
  {%- if model is defined and model is mapping and model.get('name') -%}
    {%- do where.append(model.get('name')) -%}
  {%- endif -%}
  {%- set text = 'pipeline_kit.' ~ macro_name ~ ': ' ~ ((where | join('') ~ ': ') if where else '') ~ message -%}
  {%- if got is not none -%}
    {%- set text = text ~ ' (got ' ~ (got | string) ~ ')' -%}
  {%- endif -%}
  {{ exceptions.raise_compiler_error(text) }}
{% endmacro %}

{#- A column name with a double quote in it: dbt's quoting (adapter.quote, Column.quoted) wraps a
    name in double quotes without doubling the ones inside, so the SQL would not parse; dbt's own
    incremental and snapshot fail on such a column too. Called only when a name holds one. -#}
{% macro _raise_quoted_name(macro_name, names) %}
  {%- for name in names if '"' in name -%}
    {{ pipeline_kit._raise(macro_name, 'a column name holds a double quote, which dbt does not escape when it quotes names (the SQL would not parse); rename the column in the select', name) }}
  {%- endfor -%}
{% endmacro %}
