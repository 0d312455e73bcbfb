{#- consistency_cross_column: rows breaking a rule between columns (e.g. shipped_at >= ordered_at), as a ratio. -#}
{% test consistency_cross_column(model, expression, tolerance=none, max_failure_ratio=none, mostly=none, rule_name=none, column_name=none) %}
  {#- under a column, as dbt_utils.expression_is_true: the expression continues the column -#}
  {%- set expression = (column_name ~ ' ' ~ expression) if column_name is not none else expression -%}
  {{ config(fail_calc='coalesce(sum(is_failing), 0)', tags=['pipeline_kit_quality', 'consistency']) }}
  {{ pipeline_kit._quality_check(model, 'consistency_cross_column', 'consistency', 'cross_column', {'expression': expression, 'tolerance': tolerance, 'max_failure_ratio': max_failure_ratio, 'mostly': mostly, 'name': rule_name}) }}
{% endtest %}
