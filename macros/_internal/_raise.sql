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
