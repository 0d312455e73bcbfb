{#- n rows numbered 0..n-1 as column i, with each engine's native generator. -#}
{% macro bench_rows(n) %}
  {{ return(adapter.dispatch('bench_rows')(n)) }}
{% endmacro %}

{% macro default__bench_rows(n) %}
  select i from generate_series(0, {{ n }} - 1) as g (i)
{% endmacro %}

{% macro duckdb__bench_rows(n) %}
  select range as i from range(0, {{ n }})
{% endmacro %}
