{#- validity_unique: rows whose key (a column or a column combination, no NULL part) occurs more than once, as a ratio. -#}
{% test validity_unique(model, column_name=none, columns=none, max_failure_ratio=none, mostly=none, rule_name=none) %}
  {{ config(fail_calc='coalesce(sum(is_failing), 0)', tags=['pipeline_kit_quality', 'validity']) }}
  {{ pipeline_kit._quality_check(model, 'validity_unique', 'validity', 'unique', {'column': column_name, 'columns': columns, 'unique': true, 'max_failure_ratio': max_failure_ratio, 'mostly': mostly, 'name': rule_name}) }}
{% endtest %}
