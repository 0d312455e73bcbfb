{#- completeness_null_ratio: ratio of NULL (and, for text, empty or blank) values in a column is at most the threshold. -#}
{% test completeness_null_ratio(model, column_name, treat_empty_as_null=true, max_failure_ratio=none, mostly=none, rule_name=none) %}
  {{ config(fail_calc='coalesce(sum(is_failing), 0)', tags=['pipeline_kit_quality', 'completeness']) }}
  {{ pipeline_kit._quality_check(model, 'completeness_null_ratio', 'completeness', 'null_ratio', {'column': column_name, 'treat_empty_as_null': treat_empty_as_null, 'max_failure_ratio': max_failure_ratio, 'mostly': mostly, 'name': rule_name}) }}
{% endtest %}
