{#- validity_regex: non-NULL values with no match of the pattern (search semantics on every adapter), as a ratio. -#}
{% test validity_regex(model, column_name, regex, max_failure_ratio=none, mostly=none, rule_name=none) %}
  {{ config(fail_calc='coalesce(sum(is_failing), 0)', tags=['pipeline_kit_quality', 'validity']) }}
  {{ pipeline_kit._quality_check(model, 'validity_regex', 'validity', 'regex', {'column': column_name, 'regex': regex, 'max_failure_ratio': max_failure_ratio, 'mostly': mostly, 'name': rule_name}) }}
{% endtest %}
