{#- The single escaping helper for SQL string literals built from user values. -#}
{% macro _string_literal(value) %}
  {{- return(adapter.dispatch('_string_literal', 'pipeline_kit')(value)) -}}
{% endmacro %}

{% macro default___string_literal(value) %}
  {{- return("'" ~ (value | string).replace("'", "''") ~ "'") -}}
{% endmacro %}

{# Snowflake: backslash is an escape character inside single-quoted literals, so double it too #}
{% macro snowflake___string_literal(value) %}
  {{- return("'" ~ (value | string).replace('\\', '\\\\').replace("'", "''") ~ "'") -}}
{% endmacro %}
