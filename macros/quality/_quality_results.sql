{#- Private pieces of the results hook: the table's columns, DDL, one SELECT per test result,
    the batched INSERT and the commit. -#}

{% macro _quality_results_columns() %}
  {{- return([
      ('invocation_id', dbt.type_string()), ('run_started_at', pipeline_kit._naive_timestamp_type()),
      ('test_unique_id', dbt.type_string()), ('test_name', dbt.type_string()), ('test_status', dbt.type_string()),
      ('model_name', dbt.type_string()), ('source', dbt.type_string()), ('dimension', dbt.type_string()),
      ('rule_name', dbt.type_string()), ('rule_kind', dbt.type_string()), ('column_name', dbt.type_string()),
      ('failing_rows', dbt.type_bigint()), ('evaluated_rows', dbt.type_bigint()),
      ('max_failure_ratio', pipeline_kit._quality_float_type()), ('is_failing', dbt.type_int())]) -}}
{% endmacro %}

{% macro _quality_results_ensure_table(relation) %}
  {%- do adapter.create_schema(relation) -%}
  {%- if adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier) is none -%}
    {%- do run_query(pipeline_kit._quality_results_create_sql()) -%}
  {%- endif -%}
{% endmacro %}

{#- Dimension of each dbt built-in test. -#}
{% macro _quality_builtin_dimensions() %}
  {{- return({'not_null': 'completeness', 'unique': 'validity', 'accepted_values': 'validity', 'relationships': 'consistency'}) -}}
{% endmacro %}

{#- The built-ins whose SQL returns one row per failing VALUE with its row count `n_records`, so
    dbt's failure count is of values, not rows: the failing rows as an aggregate of that SQL's
    rows. accepted_values: every row holding a bad value; unique: the rows beyond the first per
    duplicated value, as pipeline_kit.validity_unique counts them. (not_null and relationships
    return one row per failing row: their failure count is already rows.)
    pipeline-kit quality's warehouse mode uses the same aggregates (GROUPED_FAILING_ROWS). -#}
{% macro _quality_grouped_failing_rows() %}
  {{- return({'accepted_values': 'sum(n_records)', 'unique': 'sum(n_records - 1)'}) -}}
{% endmacro %}

{#- The failing rows of a built-in test as SQL: dbt's failure count, or for a test grouped by
    value that failed, the aggregate of its compiled SQL's rows (the test's `where` and an
    ephemeral model's CTE are in that SQL). Only a failed test re-runs its SQL: a passing one
    returned no rows. A custom override of the test without `n_records` keeps dbt's count, logged. -#}
{% macro _quality_builtin_failing_rows(node, failures) %}
  {%- set aggregate = pipeline_kit._quality_grouped_failing_rows().get(node.test_metadata.name) -%}
  {%- if failures == 0 -%}
    {{- return('0') -}}
  {%- endif -%}
  {%- if aggregate is none -%}
    {#- one row per failing row: dbt's count is the rows, unless a `limit` cut them or a custom
        `fail_calc` counted something else; then the rows of the compiled SQL (which has neither) -#}
    {%- if node.config.get('limit') is none and (node.config.get('fail_calc') or 'count(*)') | replace(' ', '') | lower == 'count(*)' or not node.compiled_code -%}
      {{- return(failures | string) -}}
    {%- endif -%}
    {{- return('(select count(*) from (' ~ node.compiled_code ~ ') as pk_failing_rows)') -}}
  {%- endif -%}
  {%- set compiled = node.compiled_code or '' -%}
  {#- the column names cost one empty read; naming a column the SQL lacks would fail the whole batch -#}
  {%- set columns = (run_query('select * from (' ~ compiled ~ ') as pk_failing_values where 1 = 0').column_names
        | map('lower') | list) if compiled else [] -%}
  {%- if 'n_records' not in columns -%}
    {{- log('pipeline_kit: failing rows of ' ~ node.unique_id ~ " stored as dbt's failure count (" ~ failures
        ~ ', distinct values, not rows): its compiled SQL returns no n_records column to count rows from', info=true) -}}
    {{- return(failures | string) -}}
  {%- endif -%}
  {{- return('(select coalesce(' ~ aggregate ~ ', 0) from (' ~ compiled ~ ') as pk_failing_values)') -}}
{% endmacro %}

{#- The node a test reads: its attached model / seed / snapshot, or for a test on a source (which
    has no attached node) the source named in the test's `model` argument; none if neither. -#}
{% macro _quality_tested_node(node) %}
  {%- if node.attached_node -%}
    {{- return(graph.nodes.get(node.attached_node)) -}}
  {%- endif -%}
  {%- set model_argument = (node.test_metadata.kwargs or {}).get('model') or '' -%}
  {%- set source_call = modules.re.search("source\\(\\s*['\"]([^'\"]+)['\"]\\s*,\\s*['\"]([^'\"]+)['\"]\\s*\\)", model_argument) -%}
  {%- if source_call -%}
    {%- for source in graph.sources.values() -%}
      {%- if source.source_name == source_call.group(1) and source.name == source_call.group(2) -%}
        {{- return(source) -}}
      {%- endif -%}
    {%- endfor -%}
  {%- endif -%}
  {{- return(none) -}}
{% endmacro %}

{#- The name results are recorded under: a model's name, a source's `source_name.table_name`
    (so source tests score under the source, as `pipeline-kit quality` shows them). -#}
{% macro _quality_tested_name(tested) %}
  {%- if tested is none -%}
    {{- return('') -}}
  {%- endif -%}
  {%- if tested.resource_type == 'source' -%}
    {{- return(tested.source_name ~ '.' ~ tested.name) -}}
  {%- endif -%}
  {#- a versioned model's versions are separate tables: scored apart, named as dbt shows them -#}
  {{- return(tested.name ~ (('.v' ~ tested.version) if tested.version is not none and tested.version != '' else '')) -}}
{% endmacro %}

{#- Where a built-in test's rows are counted from, as (WITH prefix, FROM target), or none.
    An ephemeral model is no relation: its rows are counted from the CTE dbt injected into the
    test's own SQL (the test node's extra_ctes), so they are the rows the test read. -#}
{% macro _quality_tested_rows_from(node, tested) %}
  {%- if tested.resource_type == 'source' -%}
    {{- return(('', tested.relation_name)) -}}
  {%- endif -%}
  {%- if tested.config.materialized == 'ephemeral' -%}
    {%- set ctes = node.extra_ctes or [] -%}
    {%- for cte in ctes if cte.id == tested.unique_id -%}
      {{- return(('with ' ~ (ctes | map(attribute='sql') | join(', ')) ~ ' ', cte.sql.strip().split(' ')[0])) -}}
    {%- endfor -%}
    {{- return(none) -}}
  {%- endif -%}
  {%- set relation = adapter.get_relation(database=tested.database, schema=tested.schema, identifier=(tested.alias or tested.name)) -%}
  {#- under --defer the test may have read another environment's relation and this one may not
      exist: counting it would fail the whole hook -#}
  {{- return(('', relation | string) if relation is not none else none) -}}
{% endmacro %}

{#- The one dimension a scored test counts under when it has no rule rows of its own (it errored
    or was skipped): a generic test's, a built-in's, or `quality` for a `quality` test spanning
    several (as pipeline-kit quality charges it); none for a test that is not scored. -#}
{% macro _quality_test_dimension(metadata) %}
  {%- if metadata.namespace == 'pipeline_kit' and metadata.name == 'quality' -%}
    {%- set dimensions = (metadata.kwargs or {}).get('dimensions') -%}
    {%- set names = (dimensions.keys() | list) if dimensions is mapping else [] -%}
    {{- return(names[0] if names | length == 1 else 'quality') -}}
  {%- endif -%}
  {%- if metadata.namespace == 'pipeline_kit' and metadata.name.split('_')[0] in ['completeness', 'accuracy', 'consistency', 'timeliness', 'validity'] -%}
    {{- return(metadata.name.split('_')[0]) -}}
  {%- endif -%}
  {%- if metadata.namespace is none -%}
    {{- return(pipeline_kit._quality_builtin_dimensions().get(metadata.name)) -}}
  {%- endif -%}
  {{- return(none) -}}
{% endmacro %}

{#- One SELECT yielding the result table's columns for a test result, or '' when not recorded. -#}
{% macro _quality_result_select(result) %}
  {%- set node = result.node -%}
  {%- if node.resource_type != 'test' or not node.test_metadata
        or result.status not in ['pass', 'fail', 'warn', 'error', 'skipped'] -%}
    {{- return('') -}}
  {%- endif -%}
  {%- set metadata = node.test_metadata -%}
  {%- set tested = pipeline_kit._quality_tested_node(node) -%}
  {%- set head = 'select '
      ~ pipeline_kit._string_literal(invocation_id) ~ ' as invocation_id, '
      ~ 'cast(' ~ pipeline_kit._string_literal(run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')) ~ ' as ' ~ pipeline_kit._naive_timestamp_type() ~ ') as run_started_at, '
      ~ pipeline_kit._string_literal(node.unique_id) ~ ' as test_unique_id, '
      ~ pipeline_kit._string_literal(node.name) ~ ' as test_name, '
      ~ pipeline_kit._string_literal(result.status) ~ ' as test_status, '
      ~ pipeline_kit._string_literal(pipeline_kit._quality_tested_name(tested)) ~ ' as model_name, ' -%}
  {#- A scored test that errored or was skipped (a model it reads failed) checked no rows: one
      failing rule of 0 evaluated rows, named by the test's id, its source the status, so scores
      keep their rows, the rule counts as failing and the test cannot vanish from the history
      (as pipeline-kit quality lists it) -#}
  {%- if result.status in ['error', 'skipped'] -%}
    {%- set dimension = pipeline_kit._quality_test_dimension(metadata) -%}
    {%- if dimension is none -%}
      {{- return('') -}}
    {%- endif -%}
    {{- return(head ~ pipeline_kit._string_literal(result.status) ~ ' as source, '
        ~ pipeline_kit._string_literal(dimension) ~ ' as dimension, '
        ~ pipeline_kit._string_literal(node.unique_id) ~ ' as rule_name, '
        ~ pipeline_kit._string_literal(metadata.name) ~ ' as rule_kind, '
        ~ pipeline_kit._string_literal(pipeline_kit._quality_column_name((metadata.kwargs or {}).get('column_name') or '')) ~ ' as column_name, '
        ~ 'cast(0 as ' ~ dbt.type_bigint() ~ ') as failing_rows, cast(0 as ' ~ dbt.type_bigint() ~ ') as evaluated_rows, '
        ~ 'cast(0 as ' ~ pipeline_kit._quality_float_type() ~ ') as max_failure_ratio, 1 as is_failing') -}}
  {%- endif -%}
  {#- Only the quality tests report rule rows; other package tests (e.g. scd2_integrity) do not. -#}
  {%- if metadata.namespace == 'pipeline_kit' and pipeline_kit._quality_test_dimension(metadata) is not none and node.compiled_code -%}
    {{- return(head ~ "'pipeline_kit' as source, dimension, rule_name, rule_kind, column_name, failing_rows, evaluated_rows, max_failure_ratio, is_failing from ("
        ~ node.compiled_code ~ ') as pk_test_result') -}}
  {%- endif -%}
  {%- set dimensions = pipeline_kit._quality_builtin_dimensions() -%}
  {%- if metadata.namespace is none and metadata.name in dimensions and tested -%}
    {%- set rows_from = pipeline_kit._quality_tested_rows_from(node, tested) -%}
    {%- if rows_from is none -%}
      {#- a wrong row count would enter the scores unseen; a missing row is named in the log -#}
      {{- log('pipeline_kit: quality result of ' ~ node.unique_id ~ ' not stored: its model ' ~ tested.name
          ~ (' is ephemeral and not among the CTEs dbt compiled into the test' if tested.config.materialized == 'ephemeral'
             else ' has no relation in ' ~ tested.schema ~ ' (a --defer run reads another environment\'s)')
          ~ ', so its rows cannot be counted', info=true) -}}
      {{- return('') -}}
    {%- endif -%}
    {#- without dbt's `quote: true` quotes, as the package's tests store it: one name per column -#}
    {%- set column = pipeline_kit._quality_column_name(metadata.kwargs.get('column_name') or '') -%}
    {%- set row_filter = (' where ' ~ node.config.where) if node.config.get('where') else '' -%}
    {%- set failures = result.failures or 0 -%}
    {{- return(rows_from[0] ~ head ~ "'dbt' as source, "
        ~ pipeline_kit._string_literal(dimensions[metadata.name]) ~ ' as dimension, '
        ~ pipeline_kit._string_literal(metadata.name ~ '(' ~ column ~ ')') ~ ' as rule_name, '
        ~ pipeline_kit._string_literal(metadata.name) ~ ' as rule_kind, '
        ~ pipeline_kit._string_literal(column) ~ ' as column_name, '
        ~ 'cast(' ~ pipeline_kit._quality_builtin_failing_rows(node, failures) ~ ' as ' ~ dbt.type_bigint() ~ ') as failing_rows, '
        ~ 'cast(count(*) as ' ~ dbt.type_bigint() ~ ') as evaluated_rows, '
        ~ 'cast(0 as ' ~ pipeline_kit._quality_float_type() ~ ') as max_failure_ratio, '
        ~ (1 if result.status in ['fail', 'warn'] else 0) ~ ' as is_failing from ' ~ rows_from[1] ~ row_filter) -}}
  {%- endif -%}
  {{- return('') -}}
{% endmacro %}

{% macro _quality_results_insert(relation, selects) %}
  {%- set names = pipeline_kit._quality_results_columns() | map(attribute=0) | join(', ') -%}
  {%- set parts = [] -%}
  {%- for select_sql in selects -%}
    {%- do parts.append('select ' ~ names ~ ' from (' ~ select_sql ~ ') as pk_result_' ~ loop.index) -%}
  {%- endfor -%}
  {{- return('insert into ' ~ relation ~ ' (' ~ names ~ ')\n' ~ (parts | join('\nunion all\n'))) -}}
{% endmacro %}

{#- Make the inserted rows visible to the next session. -#}
{% macro _quality_results_commit() %}
  {{- return(adapter.dispatch('_quality_results_commit', 'pipeline_kit')()) -}}
{% endmacro %}

{% macro default___quality_results_commit() %}
  {%- do run_query('commit') -%}
{% endmacro %}

{# DuckDB: dbt-duckdb runs hook statements in autocommit mode; COMMIT without a transaction fails #}
{% macro duckdb___quality_results_commit() %}
{% endmacro %}

{#- For the score models' pre-hook: create the results table if the hook has not run yet, so the
    views always read the real table. Returns the DDL to run. -#}
{% macro _quality_results_create_sql() %}
  {%- set relation = pipeline_kit.quality_results_relation() -%}
  {%- if execute -%}
    {%- do adapter.create_schema(relation) -%}
  {%- endif -%}
  {%- set columns = [] -%}
  {%- for name, type in pipeline_kit._quality_results_columns() -%}
    {%- do columns.append(name ~ ' ' ~ type) -%}
  {%- endfor -%}
  {{- return('create table if not exists ' ~ relation ~ ' (' ~ (columns | join(', ')) ~ ')') -}}
{% endmacro %}
