{#- accuracy_expression: rows breaking a business rule; `a = b` with a tolerance compares abs(a - b) <= tolerance. -#}
{% test accuracy_expression(model, expression, tolerance=none, max_failure_ratio=none, mostly=none, rule_name=none, column_name=none) %}
  {#- under a column, as dbt_utils.expression_is_true: the expression continues the column -#}
  {%- set expression = (column_name ~ ' ' ~ expression) if column_name is not none else expression -%}
  {{ config(fail_calc='coalesce(sum(is_failing), 0)', tags=['pipeline_kit_quality', 'accuracy']) }}
  {{ pipeline_kit._quality_check(model, 'accuracy_expression', 'accuracy', 'expression', {'business_rule': expression, 'tolerance': tolerance, 'max_failure_ratio': max_failure_ratio, 'mostly': mostly, 'name': rule_name}) }}
{% endtest %}
