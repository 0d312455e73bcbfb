{#- One place that formats every pipeline_kit compile-time error, so messages always read
    `pipeline_kit.<macro>: <model>: <what is wrong> (got <value>)`. -#}
{% macro _raise(macro_name, message, got=none) %}
  {%- set where = [] -%}
  {#- a test's own name is left out: dbt's error already names the test, and the message names
      the tested model itself -#}
  {%- if model is defined and model is mapping and model.get('name') and model.get('resource_type') != 'test' -%}
    {%- do where.append(model.get('name')) -%}
  {%- endif -%}
  {%- set text = 'pipeline_kit.' ~ macro_name ~ ': ' ~ ((where | join('') ~ ': ') if where else '') ~ message -%}
  {#- a number given as a string (YAML '0.1', or 1e40, which YAML reads as text) would print as a
      valid number: say it is a string -#}
  {%- if got is string and modules.re.match('^\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\s*$', got) -%}
    {%- set text = text ~ " (got the string '" ~ got ~ "')" -%}
  {%- elif got is not none -%}
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
