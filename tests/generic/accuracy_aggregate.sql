{#- accuracy_aggregate: sum / mean / min / max / percentile of a column lies within [min_value, max_value] (one check). -#}
{% test accuracy_aggregate(model, column_name, aggregate, min_value=none, max_value=none, percentile=none, rule_name=none) %}
  {{ config(fail_calc='coalesce(sum(is_failing), 0)', tags=['pipeline_kit_quality', 'accuracy']) }}
  {{ pipeline_kit._quality_check(model, 'accuracy_aggregate', 'accuracy', 'aggregate', {'column': column_name, 'aggregate': aggregate, 'min_value': min_value, 'max_value': max_value, 'percentile': percentile, 'name': rule_name}) }}
{% endtest %}
