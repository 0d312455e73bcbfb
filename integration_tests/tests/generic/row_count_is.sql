{#- Test helper: the model has exactly `expected_count` rows (used for empty results). -#}
{% test row_count_is(model, expected_count) %}
  select count(*) as actual_count
  from {{ model }}
  having count(*) <> {{ expected_count }}
{% endtest %}
