{#- timeliness_load_lag: the percentile (default p95) of column - event_column in hours is at most max_lag_hours (one check). -#}
{% test timeliness_load_lag(model, column_name, event_column, max_lag_hours, percentile=0.95, rule_name=none) %}
  {{ config(fail_calc='coalesce(sum(is_failing), 0)', tags=['pipeline_kit_quality', 'timeliness']) }}
  {{ pipeline_kit._quality_check(model, 'timeliness_load_lag', 'timeliness', 'load_lag', {'column': column_name, 'event_column': event_column, 'max_lag_hours': max_lag_hours, 'percentile': percentile, 'name': rule_name}) }}
{% endtest %}
