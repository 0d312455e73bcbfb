{#- consistency_relationship: non-NULL values with no match in the parent (to.field), as a ratio; the parent is joined once. -#}
{% test consistency_relationship(model, column_name, to, field, max_failure_ratio=none, mostly=none, rule_name=none) %}
  {{ config(fail_calc='coalesce(sum(is_failing), 0)', tags=['pipeline_kit_quality', 'consistency']) }}
  {{ pipeline_kit._quality_check(model, 'consistency_relationship', 'consistency', 'relationship', {'column': column_name, 'to': to, 'field': field, 'max_failure_ratio': max_failure_ratio, 'mostly': mostly, 'name': rule_name}) }}
{% endtest %}
