{#- The single scan: every single-table rule is one pair of aggregates over one read of the
    model; rules needing another table add one join each; uniqueness adds a window column in
    the same read. The result has one row per rule:
      dimension, rule_name, rule_kind, column_name, failing_rows, evaluated_rows,
      failure_ratio, max_failure_ratio, is_failing
    and tests count failing rules through `fail_calc = sum(is_failing)`, so dbt's
    severity / warn_if / error_if see the number of rules over their threshold. -#}

{#- Validation context for one test invocation. -#}
{% macro _quality_context(model, test_name) %}
  {{- return({'test': test_name, 'model_name': pipeline_kit._quality_model_name(model),
              'columns': pipeline_kit._quality_columns(model), 'aliases': []}) -}}
{% endmacro %}

{#- One generic test = one rule of a known dimension and kind; none-valued arguments are dropped. -#}
{% macro _quality_check(model, test_name, dimension, kind, arguments) %}
  {%- set ctx = pipeline_kit._quality_context(model, test_name) -%}
  {%- set rule = {} -%}
  {%- for key, value in arguments.items() -%}
    {%- if value is not none -%}
      {%- do rule.update({key: value}) -%}
    {%- endif -%}
  {%- endfor -%}
  {{- return(pipeline_kit._quality_scan(model, [pipeline_kit._quality_rule(ctx, dimension, rule, 0, kind)])) -}}
{% endmacro %}

{#- The rows-per-rule summary over a CTE `pk_scan` holding pk_failing_<i> / pk_evaluated_<i>. -#}
{% macro _quality_summary(rules) %}
  {%- set float_type = pipeline_kit._quality_float_type() -%}
  {%- set int_type = dbt.type_bigint() -%}
  pk_rules as (
  {%- for rule in rules %}
    {% if not loop.first %}union all
    {% endif -%}
    select
      {{ pipeline_kit._string_literal(rule.dimension) }} as dimension,
      {{ pipeline_kit._string_literal(rule.name) }} as rule_name,
      {{ pipeline_kit._string_literal(rule.kind) }} as rule_kind,
      {{ pipeline_kit._string_literal(rule.column or '') }} as column_name,
      cast(coalesce(pk_failing_{{ loop.index0 }}, 0) as {{ int_type }}) as failing_rows,
      cast(coalesce(pk_evaluated_{{ loop.index0 }}, 0) as {{ int_type }}) as evaluated_rows,
      cast({{ rule.threshold }} as {{ float_type }}) as max_failure_ratio,
      cast({{ 'null' if rule.get('mostly') is none else rule.mostly }} as {{ float_type }}) as pk_mostly
    from pk_scan
  {%- endfor %}
  )

  select
    dimension,
    rule_name,
    rule_kind,
    column_name,
    failing_rows,
    evaluated_rows,
    case when evaluated_rows > 0 then cast(failing_rows as {{ float_type }}) / evaluated_rows else 0 end as failure_ratio,
    max_failure_ratio,
    {#- a `mostly` rule fails when its passing share is below `mostly` -#}
    case when evaluated_rows > 0 and (case when pk_mostly is null
                                           then cast(failing_rows as {{ float_type }}) / evaluated_rows > max_failure_ratio
                                           else cast(evaluated_rows - failing_rows as {{ float_type }}) / evaluated_rows < pk_mostly end)
         then 1 else 0 end as is_failing
  from pk_rules
  {# failing rules first: dbt's `limit` config cuts this select before fail_calc counts, and
     must not keep a passing rule in place of a failing one -#}
  order by is_failing desc, failure_ratio desc, rule_name
{% endmacro %}

{#- SQL of the single scan for already-validated rules. -#}
{% macro _quality_scan(model, rules) %}
  {%- set windows = [] -%}
  {%- set joins = [] -%}
  {%- for rule in rules -%}
    {%- do windows.extend(rule.windows) -%}
    {%- do joins.extend(rule.joins) -%}
  {%- endfor -%}
  with pk_scan as (
    select
    {%- for rule in rules %}
      {{ rule.failing }} as pk_failing_{{ loop.index0 }},
      {{ rule.evaluated }} as pk_evaluated_{{ loop.index0 }}{{ ',' if not loop.last }}
    {%- endfor %}
    from (
      select *{% for window in windows %}, {{ window }}{% endfor %}
      from {{ model }}
    ) as pk_source
    {%- for join in joins %}
    {{ join }}
    {%- endfor %}
  ),

  {{ pipeline_kit._quality_summary(rules) }}
{% endmacro %}
