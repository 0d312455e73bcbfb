{#- store_quality_results: on-run-end hook that appends one row per rule of every pipeline_kit
    test (and per dbt built-in not_null / unique / accepted_values / relationships test) of this
    invocation to `quality_results_relation()`. Opt-in: it does nothing unless the var
    `pipeline_kit_store_results` is true. Idempotent per invocation (the invocation's rows are
    deleted first) and batched (`pipeline_kit_results_batch_size` tests, default 100, and at most
    ~500k characters per INSERT), so thousands of tests stay under statement-size limits.
    Runs under --empty or --sample store nothing (they do not describe the data).

        on-run-end: ["{{ pipeline_kit.store_quality_results(results) }}"]

    pipeline_kit tests are re-read by running their compiled SQL (one row per rule:
    dimension, rule_name, failing_rows, evaluated_rows); built-in tests contribute failing rows
    over the tested model's row count (under the test's `where`; an ephemeral model's from the
    CTE dbt compiled into the test; a source's under `source_name.table_name`). Failing rows are
    dbt's failure count for not_null / relationships (one per row); accepted_values and unique
    count values, so when they fail their compiled SQL is re-run for its rows' `n_records`
    (all rows with a bad value; the rows beyond the first per duplicated value). -#}
{% macro store_quality_results(results) %}
  {{- return(adapter.dispatch('store_quality_results', 'pipeline_kit')(results)) -}}
{% endmacro %}

{% macro default__store_quality_results(results) %}
  {%- if not execute or not (var('pipeline_kit_store_results', false) | as_bool) -%}
    {{- return('') -}}
  {%- endif -%}
  {#- --empty builds and tests empty models, --sample a time window of them: their results say
      nothing about the data and would enter the score history as its latest run -#}
  {%- if flags.EMPTY or invocation_args_dict.get('sample') -%}
    {{- log('pipeline_kit: quality results not stored: this run read no rows or a sample (--empty / --sample), which scores would not describe', info=true) -}}
    {{- return('') -}}
  {%- endif -%}
  {%- set batch_size = var('pipeline_kit_results_batch_size', 100) | int -%}
  {%- if batch_size < 1 -%}
    {{ pipeline_kit._raise('store_quality_results', '`pipeline_kit_results_batch_size` must be a positive integer', batch_size) }}
  {%- endif -%}
  {%- set relation = pipeline_kit.quality_results_relation() -%}
  {%- do pipeline_kit._quality_results_ensure_table(relation) -%}
  {%- do run_query('delete from ' ~ relation ~ ' where invocation_id = ' ~ pipeline_kit._string_literal(invocation_id)) -%}

  {%- set selects = [] -%}
  {%- for result in results -%}
    {%- set select_sql = pipeline_kit._quality_result_select(result) -%}
    {%- if select_sql -%}
      {%- do selects.append(select_sql) -%}
    {%- endif -%}
  {%- endfor -%}

  {#- Batches by count and by size. -#}
  {%- set batch = [] -%}
  {%- set size = [0] -%}
  {%- for select_sql in selects -%}
    {%- do batch.append(select_sql) -%}
    {%- do size.append(size.pop() + select_sql | length) -%}
    {%- if batch | length >= batch_size or size[0] > 500000 or loop.last -%}
      {%- do run_query(pipeline_kit._quality_results_insert(relation, batch)) -%}
      {%- do batch.clear() -%}
      {%- do size.clear() -%}
      {%- do size.append(0) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- do pipeline_kit._quality_results_commit() -%}
  {{- log('pipeline_kit: stored results of ' ~ (selects | length) ~ ' quality tests in ' ~ relation, info=true) -}}
  {{- return('') -}}
{% endmacro %}
