{#- timeliness_freshness: the latest timestamp is at most max_age_hours before now (or reference_time) (one check). -#}
{% test timeliness_freshness(model, column_name, max_age_hours, reference_time=none, rule_name=none) %}
  {{ config(fail_calc='coalesce(sum(is_failing), 0)', tags=['pipeline_kit_quality', 'timeliness']) }}
  {{ pipeline_kit._quality_check(model, 'timeliness_freshness', 'timeliness', 'freshness', {'column': column_name, 'max_age_hours': max_age_hours, 'reference_time': reference_time, 'name': rule_name}) }}
{% endtest %}
