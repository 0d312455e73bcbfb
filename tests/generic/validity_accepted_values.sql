{#- validity_accepted_values: non-NULL values outside the accepted list, as a ratio. -#}
{% test validity_accepted_values(model, column_name, values, quote=true, max_failure_ratio=none, mostly=none, rule_name=none) %}
  {{ config(fail_calc='coalesce(sum(is_failing), 0)', tags=['pipeline_kit_quality', 'validity']) }}
  {{ pipeline_kit._quality_check(model, 'validity_accepted_values', 'validity', 'accepted_values', {'column': column_name, 'allowed_values': values, 'quote': quote, 'max_failure_ratio': max_failure_ratio, 'mostly': mostly, 'name': rule_name}) }}
{% endtest %}
