{#- quality: every rule of a model in one scan (plus one join per rule that needs another table).
    `dimensions` maps completeness / accuracy / consistency / timeliness / validity to lists of
    rules; one row per rule is returned and the test fails when any rule's failing-row ratio is
    above its threshold (`fail_calc` counts those rules). -#}
{% test quality(model, dimensions, column_name=none) %}
  {%- do pipeline_kit._quality_model_level_only(model, 'quality', column_name) -%}
  {{ config(fail_calc='coalesce(sum(is_failing), 0)', tags=['pipeline_kit_quality']) }}
  {%- set ctx = pipeline_kit._quality_context(model, 'quality') -%}
  {%- if dimensions is not mapping or dimensions | length == 0 -%}
    {{ pipeline_kit._raise('quality', ctx.model_name ~ ': `dimensions` must map dimension names to lists of rules', dimensions) }}
  {%- endif -%}
  {%- set rules = [] -%}
  {%- for dimension, dimension_rules in dimensions.items() -%}
    {%- if dimension not in pipeline_kit._quality_kinds() -%}
      {{ pipeline_kit._quality_fail(ctx, dimension, 'unknown dimension; use one of ' ~ (pipeline_kit._quality_kinds().keys() | list | join(', ')), dimension) }}
    {%- endif -%}
    {%- if dimension_rules is string or dimension_rules is mapping or dimension_rules is not iterable -%}
      {{ pipeline_kit._quality_fail(ctx, dimension, 'a dimension takes a list of rules', dimension_rules) }}
    {%- endif -%}
    {%- for rule in dimension_rules -%}
      {%- do rules.append(pipeline_kit._quality_rule(ctx, dimension, rule, loop.index0)) -%}
    {%- endfor -%}
  {%- endfor -%}
  {%- if rules | length == 0 -%}
    {{ pipeline_kit._raise('quality', ctx.model_name ~ ': no rules given', dimensions) }}
  {%- endif -%}
  {{ pipeline_kit._quality_scan(model, rules) }}
{% endtest %}
