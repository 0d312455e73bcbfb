{#- Rule normalisation for every pipeline_kit quality test (the generic tests and `quality`).

    A rule arrives as a mapping of user keys; `_quality_rule` validates it (dimension, keys,
    thresholds, columns) and returns a normalised rule:
      {dimension, kind, name, threshold, failing, evaluated, joins, windows}
    where `failing` / `evaluated` are aggregate SQL expressions over one scan of the model
    (`pk_source`), `joins` are extra relations joined once each (relationships,
    reconciliation), and `windows` are window columns computed in the same scan (none of the
    built-in rules needs one: uniqueness is `rows - count(distinct key)`).
    Errors name the test, the model and the rule: `pipeline_kit.<test>: <model>: rule <label> ...`. -#}

{#- Keys every rule may carry besides its own. -#}
{% macro _quality_common_keys() %}
  {{- return(['name', 'threshold', 'max_failure_ratio', 'mostly']) -}}
{% endmacro %}

{#- Per dimension: rule kind -> (the key that selects it, the keys it accepts). Order matters:
    the first kind whose selecting key is present wins. -#}
{% macro _quality_kinds() %}
  {{- return({
      'completeness': [
        ('min_row_count', 'min_row_count', ['min_row_count']),
        ('required_columns', 'columns', ['columns']),
        ('null_ratio', 'column', ['column', 'null_threshold', 'treat_empty_as_null'])],
      'accuracy': [
        ('aggregate', 'aggregate', ['column', 'aggregate', 'percentile', 'min_value', 'max_value']),
        ('expression', 'business_rule', ['business_rule', 'tolerance']),
        ('expression', 'expression', ['expression', 'tolerance']),
        ('range', 'column', ['column', 'min_value', 'max_value'])],
      'consistency': [
        ('relationship', 'to', ['column', 'to', 'field']),
        ('reconciliation', 'compare_to', ['compare_to', 'measure', 'column', 'compare_column', 'tolerance']),
        ('cross_column', 'business_rule', ['business_rule', 'tolerance']),
        ('cross_column', 'expression', ['expression', 'tolerance'])],
      'timeliness': [
        ('load_lag', 'max_lag_hours', ['column', 'event_column', 'max_lag_hours', 'percentile']),
        ('freshness', 'max_age_hours', ['column', 'max_age_hours', 'reference_time'])],
      'validity': [
        ('accepted_values', 'allowed_values', ['column', 'allowed_values', 'quote']),
        ('regex', 'regex', ['column', 'regex']),
        ('length', 'min_length', ['column', 'min_length', 'max_length']),
        ('length', 'max_length', ['column', 'min_length', 'max_length']),
        ('castable', 'castable_to', ['column', 'castable_to']),
        ('unique', 'unique', ['column', 'columns', 'unique'])]
  }) -}}
{% endmacro %}

{#- The name of the tested model for messages (a relation, or dbt's `where` subquery). While dbt
    parses the project, ref() returns the test itself: the name is then read from the test's
    `model` argument (`ref('orders')` -> orders, `source('app', 'orders')` -> app.orders). -#}
{% macro _quality_model_name(relation) %}
  {%- if not execute and model is mapping -%}
    {%- set call = ((model.get('test_metadata') or {}).get('kwargs') or {}).get('model') or '' -%}
    {%- set found = modules.re.search('\\b(ref|source)\\(([^)]*)\\)', call | string) -%}
    {%- set names = modules.re.findall('[\'"]([^\'"]+)[\'"]', found.group(2)) if found else [] -%}
    {%- if names -%}
      {{- return(names[-1] if found.group(1) == 'ref' else names | join('.')) -}}
    {%- endif -%}
  {%- endif -%}
  {%- if relation is string -%}
    {%- set parts = pipeline_kit._quality_subquery_relation(relation) -%}
    {{- return(parts[-1] if parts else relation) -}}
  {%- endif -%}
  {{- return(relation.identifier if relation.identifier is defined and relation.identifier else relation | string) -}}
{% endmacro %}

{#- A model-level test listed under a column: dbt passes the column as `column_name`, which a
    test without that argument rejects with Jinja's "takes no keyword argument 'column_name'". -#}
{% macro _quality_model_level_only(model, test_name, column_name) %}
  {%- if column_name is not none -%}
    {{ pipeline_kit._raise(test_name, pipeline_kit._quality_model_name(model) ~ ": a model-level test, listed under a column; list it under the model's `data_tests:` (columns go in its arguments)", column_name) }}
  {%- endif -%}
{% endmacro %}

{#- Raise a config error naming the test, the model and the rule. -#}
{% macro _quality_fail(ctx, label, message, got=none) %}
  {{ pipeline_kit._raise(ctx.test, ctx.model_name ~ ': rule ' ~ label ~ ': ' ~ message, got) }}
{% endmacro %}

{#- Columns of the tested relation, lower-cased name -> the columns of that name (PostgreSQL and
    Snowflake allow `id` and `"ID"` side by side; see _quality_known_column), or none when unknown
    (parse time). -#}
{% macro _quality_columns(model) %}
  {%- if not execute -%}
    {{- return(none) -}}
  {%- endif -%}
  {%- set relation = model -%}
  {%- if model is string -%}
    {#- dbt's `where` config hands tests `(select * from <relation> where ...) dbt_subquery` -#}
    {%- set parts = pipeline_kit._quality_subquery_relation(model) -%}
    {%- if not parts -%}
      {{- return(none) -}}
    {%- endif -%}
    {%- set relation = adapter.get_relation(database=(parts[-3] if parts | length > 2 else target.database),
                                            schema=(parts[-2] if parts | length > 1 else target.schema),
                                            identifier=parts[-1]) -%}
    {%- if relation is none -%}
      {{- return(none) -}}
    {%- endif -%}
  {%- endif -%}
  {#- an ephemeral model is a CTE of the test's own SQL: no catalog knows it (Snowflake's describe
      of it is an error there) -#}
  {%- if (relation.identifier or '').startswith('__dbt__cte__') -%}
    {{- return(none) -}}
  {%- endif -%}
  {%- set columns = {} -%}
  {%- for column in adapter.get_columns_in_relation(relation) -%}
    {%- do columns.setdefault(column.name | lower, []).append(column) -%}
  {%- endfor -%}
  {{- return(columns if columns else none) -}}
{% endmacro %}

{#- A required column that must exist in the model, as SQL: the model's own name for it, quoted, so
    a name with a space or a reserved word (`select`) works as any other (on Snowflake the stored
    upper-case name). A name dbt already quoted (`quote: true` hands tests `"select"`) is matched
    without its quotes. When the model's columns are unknown (an ephemeral model) a plain name is
    used as given and any other quoted. -#}
{% macro _quality_column(ctx, label, rule, key='column') %}
  {%- set value = rule.get(key) -%}
  {%- if value is not string or value | trim == '' -%}
    {{ pipeline_kit._quality_fail(ctx, label, '`' ~ key ~ '` must be a column name', value) }}
  {%- endif -%}
  {%- if ctx.columns is none -%}
    {#- columns unknown (an ephemeral model, parse time): a plain identifier as written (the engine
        folds its case as it folded the model's), any other name quoted as given -#}
    {%- set given = value | trim -%}
    {{- return(given if given.startswith('"') or modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', given)
               else adapter.quote(given)) -}}
  {%- endif -%}
  {%- set column = pipeline_kit._quality_known_column(ctx, label, value) -%}
  {%- if column is none -%}
    {{ pipeline_kit._quality_fail(ctx, label, 'column `' ~ value ~ '` is not in the model (columns: ' ~ (ctx.columns.keys() | list | sort | join(', ')) ~ ')', value) }}
  {%- endif -%}
  {{- return(adapter.quote(column.name)) -}}
{% endmacro %}

{#- The model's column a configured name means, or none when no column has that name in any case.
    The one column of that name whatever its case (a plain `CustomerId` finds PostgreSQL's quoted
    "CustomerId"); of several (`id` and `"ID"`), a quoted name ("ID", or dbt's `quote: true`) is
    matched exactly and a plain one as the engine folds it (upper case on Snowflake, lower
    elsewhere), as dbt's own tests read it; none of them matching is a named error. -#}
{% macro _quality_known_column(ctx, label, value) %}
  {%- set name = pipeline_kit._quality_column_name(value) -%}
  {%- set candidates = ctx.columns.get(name | lower, []) -%}
  {%- if candidates | length < 2 -%}
    {{- return(candidates[0] if candidates else none) -}}
  {%- endif -%}
  {%- set wanted = name if (value | trim).startswith('"') else (name | upper if adapter.type() == 'snowflake' else name | lower) -%}
  {%- for column in candidates if column.name == wanted -%}
    {{- return(column) -}}
  {%- endfor -%}
  {{ pipeline_kit._quality_fail(ctx, label, 'column `' ~ value ~ '` is ambiguous: the model has ' ~ (candidates | map(attribute='name') | join(', ')) ~ '; quote the one meant ("Name" in the rule, or `quote: true`)', value) }}
{% endmacro %}

{#- The model's type of a configured column, lower-cased as the adapter names it (`timestamp with
    time zone`, `date`, Snowflake `timestamp_tz`), or none when the columns are unknown (parse
    time, an ephemeral model). -#}
{% macro _quality_column_type(ctx, value) %}
  {%- set known = pipeline_kit._quality_known_column(ctx, 'column', value) if ctx.columns is not none and value is string else none -%}
  {{- return(known.dtype | lower if known is not none else none) -}}
{% endmacro %}

{#- True when a configured column is timezone-aware: PostgreSQL / DuckDB timestamptz, Snowflake
    TIMESTAMP_TZ / TIMESTAMP_LTZ. A column of unknown type counts as naive (the rule as before). -#}
{% macro _quality_is_aware(ctx, value) %}
  {%- set column_type = pipeline_kit._quality_column_type(ctx, value) -%}
  {{- return(column_type is not none
             and modules.re.search('with (local )?time zone|timestamptz|timestamp_l?tz', column_type) is not none) -}}
{% endmacro %}

{#- A configured column name without the quotes dbt adds under `quote: true`: rule names show it. -#}
{% macro _quality_column_name(value) %}
  {%- set name = value | string | trim -%}
  {{- return(name[1:-1] if name | length > 1 and name[0] == '"' and name[-1] == '"' else name) -}}
{% endmacro %}

{#- A number (int/float, not bool), or raise. -#}
{% macro _quality_number(ctx, label, rule, key, required=false, default=none) %}
  {%- set value = rule.get(key, default) -%}
  {%- if value is none -%}
    {%- if required -%}
      {{ pipeline_kit._quality_fail(ctx, label, '`' ~ key ~ '` is required', value) }}
    {%- endif -%}
    {{- return(none) -}}
  {%- endif -%}
  {%- if value is boolean or value is not number -%}
    {{ pipeline_kit._quality_fail(ctx, label, '`' ~ key ~ '` must be a number', value) }}
  {%- endif -%}
  {{- return(value) -}}
{% endmacro %}

{#- Two optional number settings bounding a value, [low, high]: at least one is given, low <= high. -#}
{% macro _quality_bounds(ctx, label, rule, low_key, high_key) %}
  {%- set low = pipeline_kit._quality_number(ctx, label, rule, low_key) -%}
  {%- set high = pipeline_kit._quality_number(ctx, label, rule, high_key) -%}
  {%- if low is none and high is none -%}
    {{ pipeline_kit._quality_fail(ctx, label, 'needs `' ~ low_key ~ '` and/or `' ~ high_key ~ '`', rule) }}
  {%- elif low is not none and high is not none and low > high -%}
    {{ pipeline_kit._quality_fail(ctx, label, '`' ~ low_key ~ '` must not be above `' ~ high_key ~ '`', low ~ ' > ' ~ high) }}
  {%- endif -%}
  {{- return([low, high]) -}}
{% endmacro %}

{#- Number bounds of a rule on a single-precision (real / float4) column, in that precision: as
    its values were stored. PostgreSQL compares a real with a literal as double precision, so a
    stored 0.3 was 0.30000001 > 0.3 (its min / max / sum of reals are reals too). -#}
{% macro _quality_real_bounds(ctx, rule, bounds) %}
  {%- if pipeline_kit._quality_column_type(ctx, rule.get('column')) not in ['real', 'float4'] -%}
    {{- return(bounds) -}}
  {%- endif -%}
  {%- set cast_bounds = [] -%}
  {%- for bound in bounds -%}
    {%- do cast_bounds.append(none if bound is none else 'cast(' ~ bound ~ ' as real)') -%}
  {%- endfor -%}
  {{- return(cast_bounds) -}}
{% endmacro %}

{#- SQL true when `expression` is below `low` or above `high` (bounds from _quality_bounds; a
    none bound is not checked). -#}
{% macro _quality_outside(expression, low, high) %}
  {%- set checks = [] -%}
  {%- if low is not none -%}{%- do checks.append(expression ~ ' < ' ~ low) -%}{%- endif -%}
  {%- if high is not none -%}{%- do checks.append(expression ~ ' > ' ~ high) -%}{%- endif -%}
  {{- return('(' ~ (checks | join(' or ')) ~ ')') -}}
{% endmacro %}

{#- A bound of a value range that is not a number, as SQL: a date or timestamp (a YAML date, or a
    string YYYY-MM-DD[ HH:MM[:SS]]) as a typed literal; any other string as a SQL expression, as
    dbt_utils.accepted_range takes one (current_date, another column, a quoted literal). A number
    is written as it is. -#}
{% macro _quality_range_bound(ctx, label, rule, key) %}
  {%- set value = rule.get(key) -%}
  {%- if value is none or (value is number and value is not boolean) -%}
    {{- return(value) -}}
  {%- endif -%}
  {%- set text = value.isoformat().replace('T', ' ') if value is not string and value.year is defined else value -%}
  {%- if value is boolean or text is not string or text | trim == '' -%}
    {{ pipeline_kit._quality_fail(ctx, label, '`' ~ key ~ '` must be a number, a date or timestamp, or a SQL expression', value) }}
  {%- endif -%}
  {%- set text = text | trim -%}
  {%- if modules.re.match('^\\d{4}-\\d{2}-\\d{2}$', text) -%}
    {{- return('cast(' ~ pipeline_kit._string_literal(text) ~ ' as date)') -}}
  {%- elif modules.re.match('^\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?$', text) -%}
    {{- return('cast(' ~ pipeline_kit._string_literal(text.replace('T', ' ')) ~ ' as ' ~ pipeline_kit._naive_timestamp_type() ~ ')') -}}
  {%- endif -%}
  {{- return('(' ~ text ~ ')') -}}
{% endmacro %}

{#- A ratio in [0, 1]. -#}
{% macro _quality_ratio(ctx, label, key, value) %}
  {%- if value is boolean or value is not number or value < 0 or value > 1 -%}
    {{ pipeline_kit._quality_fail(ctx, label, '`' ~ key ~ '` must be a ratio in [0, 1]', value) }}
  {%- endif -%}
  {{- return(value) -}}
{% endmacro %}

{#- The failing-row ratio a rule tolerates: threshold / max_failure_ratio / null_threshold, or 1 - mostly
    (rounded, for display: a `mostly` rule is decided on its passing share, see _quality_summary). -#}
{% macro _quality_threshold(ctx, label, rule, default) %}
  {%- set given = [] -%}
  {%- for key in ['threshold', 'max_failure_ratio', 'null_threshold', 'mostly'] -%}
    {%- if rule.get(key) is not none -%}
      {%- do given.append(key) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if given | length > 1 -%}
    {{ pipeline_kit._quality_fail(ctx, label, 'give only one of ' ~ (given | join(', ')), given | join(', ')) }}
  {%- endif -%}
  {%- if not given -%}
    {{- return(default) -}}
  {%- endif -%}
  {%- set value = pipeline_kit._quality_ratio(ctx, label, given[0], rule.get(given[0])) -%}
  {{- return(((1 - value) | round(12)) if given[0] == 'mostly' else value) -}}
{% endmacro %}

{#- A SQL literal for an accepted value: quoted (numbers too, as dbt's accepted_values quotes them:
    a string literal compares with a text column and casts to a number column on every engine,
    where a bare number against a text column fails on PostgreSQL), or as written with quote: false. -#}
{% macro _quality_literal(value, quote=true) %}
  {{- return(pipeline_kit._string_literal(value | string) if quote else value | string) -}}
{% endmacro %}

{#- `lhs = rhs` within tolerance becomes abs(lhs - rhs) <= tolerance; anything else is a boolean. -#}
{% macro _quality_expression(ctx, label, expression, tolerance) %}
  {%- if expression is not string or expression | trim == '' -%}
    {{ pipeline_kit._quality_fail(ctx, label, 'the expression must be a non-empty SQL boolean expression', expression) }}
  {%- endif -%}
  {%- set parts = modules.re.split('(?<![<>!=])=(?!=)', expression) -%}
  {%- if tolerance is not none and parts | length == 2 -%}
    {{- return('abs((' ~ parts[0] | trim ~ ') - (' ~ parts[1] | trim ~ ')) <= ' ~ tolerance) -}}
  {%- endif -%}
  {%- if tolerance is not none -%}
    {{ pipeline_kit._quality_fail(ctx, label, '`tolerance` needs an expression of the form `a = b`', expression) }}
  {%- endif -%}
  {{- return('(' ~ expression ~ ')') -}}
{% endmacro %}

{#- Row-level rule: count rows matching `condition` (NULL conditions count as passing).
    short_circuit: the condition has parts a CASE can skip (an OR of function calls, an IN list,
    a regex); see duckdb___quality_count_when. -#}
{% macro _quality_count_when(condition, short_circuit=false) %}
  {{- return(adapter.dispatch('_quality_count_when', 'pipeline_kit')(condition, short_circuit)) -}}
{% endmacro %}

{% macro default___quality_count_when(condition, short_circuit) %}
  {{- return('sum(case when ' ~ condition ~ ' then 1 else 0 end)') -}}
{% endmacro %}

{#- DuckDB: count_if skips the CASE and the sum, about twice as fast on a plain condition (10M
    rows: a range 1.4 against 4.4 ms, is null 5.3 against 9.9, length 2.1 against 5.1), but it
    evaluates every part of an AND / OR / IN for every row, where a CASE condition narrows the
    rows as it goes: those keep the CASE sum (the blank-text check 133 ms against 535 with
    count_if, a regex 524 against 578, NOT IN of ten values 88 against 154) -#}
{% macro duckdb___quality_count_when(condition, short_circuit) %}
  {{- return('sum(case when ' ~ condition ~ ' then 1 else 0 end)' if short_circuit else 'count_if(' ~ condition ~ ')') -}}
{% endmacro %}

{# PostgreSQL: an aggregate FILTER skips the CASE and the int sum per row (12% less time for ten
   cheap rules over 10M rows); 0, not NULL, over no rows (callers coalesce either way) #}
{% macro postgres___quality_count_when(condition, short_circuit) %}
  {{- return('count(*) filter (where ' ~ condition ~ ')') -}}
{% endmacro %}

{#- Resolve a `to` / `compare_to` value (a relation, `ref('x')` text or a model name) to a relation. -#}
{% macro _quality_relation(ctx, label, key, value) %}
  {%- if value is string -%}
    {%- set found = modules.re.match("^\\s*(ref|source)\\((.*)\\)\\s*$", value) -%}
    {%- if found -%}
      {%- set names = modules.re.findall("['\"]([^'\"]+)['\"]", found.group(2)) -%}
      {%- if found.group(1) == 'source' and names | length == 2 -%}
        {{- return(source(names[0], names[1])) -}}
      {%- elif found.group(1) == 'ref' and names | length == 1 -%}
        {{- return(ref(names[0])) -}}
      {%- endif -%}
      {{ pipeline_kit._quality_fail(ctx, label, '`' ~ key ~ '` must be a model name, ref(...) or source(...)', value) }}
    {%- endif -%}
    {%- if modules.re.match('^\\w+$', value | trim) -%}
      {{- return(ref(value | trim)) -}}
    {%- endif -%}
    {{ pipeline_kit._quality_fail(ctx, label, '`' ~ key ~ '` must be a model name, ref(...) or source(...)', value) }}
  {%- endif -%}
  {%- if value is none -%}
    {{ pipeline_kit._quality_fail(ctx, label, '`' ~ key ~ '` is required', value) }}
  {%- endif -%}
  {{- return(value) -}}
{% endmacro %}

{#- The parent key as a relationship's distinct set selects it. DuckDB and Snowflake compare a text
    with a number, date, time, boolean (DuckDB: uuid, interval, blob too) by casting the text, so two parent texts that cast to one
    value ('1' and '01') both matched a child row: the row was counted twice, in this rule and in
    every rule of the same scan. A text parent key of such a child column is cast to the child's
    type before the distinct (try_cast: a text that is no such value matches nothing, where the
    implicit cast failed the test). Unknown types (parse time, an ephemeral model or parent) keep
    the key as it is. -#}
{% macro default___quality_parent_key(ctx, rule, parent, field) %}
  {%- set child = pipeline_kit._quality_known_column(ctx, 'column', rule.get('column')) if ctx.columns is not none else none -%}
  {%- if child is none or parent is string or (parent.identifier or '').startswith('__dbt__cte__')
        or not modules.re.match('(u?(tiny|small|big|huge)?int(eger|\\d)?|byteint|number|numeric|decimal|float\\d?|double|real|date|time|timestamptz|timestamp|datetime|bool(ean)?|uuid|interval|blob)(?![a-z])', child.dtype | lower) -%}
    {{- return(field) -}}
  {%- endif -%}
  {#- `field` is the parent's column as SQL: quoted when its columns were known -#}
  {%- set field_name = pipeline_kit._quality_column_name(field) -%}
  {%- for column in adapter.get_columns_in_relation(parent)
        if (column.name == field_name if field.startswith('"') else column.name | lower == field_name | lower) and column.is_string() -%}
    {{- return('try_cast(' ~ field ~ ' as ' ~ child.data_type ~ ')') -}}
  {%- endfor -%}
  {{- return(field) -}}
{% endmacro %}

{# PostgreSQL compares no text with a number or date without a cast (an error, as in dbt's relationships), so no two parent texts can match one child value #}
{% macro postgres___quality_parent_key(ctx, rule, parent, field) %}
  {{- return(field) -}}
{% endmacro %}

{#- A fresh alias for a join / window column of this scan. -#}
{% macro _quality_alias(ctx, prefix) %}
  {%- do ctx.aliases.append(prefix) -%}
  {{- return(prefix ~ (ctx.aliases | length)) -}}
{% endmacro %}

{#- Validate one rule and build its SQL. `index` numbers the joins / windows it adds. -#}
{% macro _quality_rule(ctx, dimension, rule, index, kind=none) %}
  {%- set position = dimension ~ '[' ~ index ~ ']' -%}
  {%- set kinds = pipeline_kit._quality_kinds() -%}
  {%- if dimension not in kinds -%}
    {{ pipeline_kit._quality_fail(ctx, position, 'unknown dimension; use one of ' ~ (kinds.keys() | list | join(', ')), dimension) }}
  {%- endif -%}
  {%- if rule is not mapping -%}
    {{ pipeline_kit._quality_fail(ctx, position, 'each rule must be a mapping of rule keys', rule) }}
  {%- endif -%}
  {%- set label = dimension ~ '[' ~ index ~ '] ' ~ (rule.get('name') or rule.get('column') or rule.get('business_rule') or rule.get('expression') or '') -%}
  {%- set matches = [] -%}
  {%- for candidate in kinds[dimension] -%}
    {%- if candidate[1] in rule and (kind is none or candidate[0] == kind) -%}
      {%- do matches.append(candidate) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- for candidate in kinds[dimension] -%}
    {%- if kind is not none and candidate[0] == kind -%}
      {%- do matches.append(candidate) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set chosen = matches[0] if matches else none -%}
  {%- if chosen is none -%}
    {{ pipeline_kit._quality_fail(ctx, label, 'no rule key for ' ~ dimension ~ '; expected one of ' ~ (kinds[dimension] | map(attribute=1) | unique | join(', ')), rule.keys() | list | join(', ')) }}
  {%- endif -%}
  {%- set kind = chosen[0] -%}
  {%- set allowed = chosen[2] + pipeline_kit._quality_common_keys() + (['null_threshold'] if kind == 'null_ratio' else []) -%}
  {%- for key in rule -%}
    {%- if key not in allowed -%}
      {{ pipeline_kit._quality_fail(ctx, label, 'unknown rule key `' ~ key ~ '` for a ' ~ dimension ~ ' ' ~ kind ~ ' rule; allowed: ' ~ (allowed | join(', ')), key) }}
    {%- endif -%}
  {%- endfor -%}
  {%- if 'null_threshold' in rule and kind != 'null_ratio' -%}
    {{ pipeline_kit._quality_fail(ctx, label, '`null_threshold` only applies to completeness column rules', rule['null_threshold']) }}
  {%- endif -%}
  {%- set threshold = pipeline_kit._quality_threshold(ctx, label, rule, 0) -%}
  {#- `mostly` is kept as given too: the summary compares the passing share with it, exactly (1 - mostly is
      not the same double: 1 - 0.9 < 0.1) -#}
  {#- rule names and the stored column_name show the configured name without dbt's `quote: true`
      quotes (the single scan and the generic tests store one name per column); the SQL uses
      _quality_column's quoted one -#}
  {%- set named = pipeline_kit._quality_column_name(rule.get('column')) if rule.get('column') is string else '' -%}
  {%- set out = {'dimension': dimension, 'kind': kind, 'threshold': threshold, 'joins': [], 'windows': [],
                 'evaluated': 'count(*)', 'column': named or rule.get('column'), 'mostly': rule.get('mostly')} -%}

  {%- if kind == 'null_ratio' -%}
    {%- set column = pipeline_kit._quality_column(ctx, label, rule) -%}
    {%- set condition = column ~ ' is null' -%}
    {%- set known = pipeline_kit._quality_known_column(ctx, label, rule.get('column')) if ctx.columns is not none else none -%}
    {%- set blank = rule.get('treat_empty_as_null', true) and (known is none or known.is_string()) -%}
    {%- if blank -%}
      {%- set condition = '(' ~ column ~ ' is null or ' ~ pipeline_kit._quality_is_blank(column) ~ ')' -%}
    {%- endif -%}
    {%- do out.update({'name': 'null_ratio(' ~ named ~ ')', 'failing': pipeline_kit._quality_count_when(condition, blank)}) -%}

  {%- elif kind == 'required_columns' -%}
    {%- set columns = rule.get('columns') -%}
    {%- if columns is string -%}{%- set columns = [columns] -%}{%- endif -%}
    {%- if columns is not iterable or columns is mapping or columns | length == 0 -%}
      {{ pipeline_kit._quality_fail(ctx, label, '`columns` must be a non-empty list of column names', columns) }}
    {%- endif -%}
    {%- set checks, plain = [], [] -%}
    {%- for name in columns -%}
      {%- do checks.append(pipeline_kit._quality_column(ctx, label, {'column': name}) ~ ' is null') -%}
      {%- do plain.append(pipeline_kit._quality_column_name(name)) -%}
    {%- endfor -%}
    {%- do out.update({'name': 'required_columns(' ~ (plain | join(', ')) ~ ')', 'column': plain | join(', '),
                       'failing': pipeline_kit._quality_count_when('(' ~ (checks | join(' or ')) ~ ')')}) -%}

  {%- elif kind == 'min_row_count' -%}
    {%- set minimum = pipeline_kit._quality_number(ctx, label, rule, 'min_row_count', required=true) -%}
    {%- do out.update({'name': 'min_row_count(' ~ minimum ~ ')', 'evaluated': '1',
                       'failing': 'case when count(*) < ' ~ minimum ~ ' then 1 else 0 end'}) -%}

  {%- elif kind == 'range' -%}
    {%- set column = pipeline_kit._quality_column(ctx, label, rule) -%}
    {%- if rule.get('min_value') is string or rule.get('max_value') is string
          or rule.get('min_value').year is defined or rule.get('max_value').year is defined -%}
      {%- set low = pipeline_kit._quality_range_bound(ctx, label, rule, 'min_value') -%}
      {%- set high = pipeline_kit._quality_range_bound(ctx, label, rule, 'max_value') -%}
      {%- if low is none and high is none -%}
        {{ pipeline_kit._quality_fail(ctx, label, 'needs `min_value` and/or `max_value`', rule) }}
      {%- endif -%}
    {%- else -%}
      {%- set low, high = pipeline_kit._quality_real_bounds(ctx, rule, pipeline_kit._quality_bounds(ctx, label, rule, 'min_value', 'max_value')) -%}
    {%- endif -%}
    {%- do out.update({'name': 'range(' ~ named ~ ')', 'failing': pipeline_kit._quality_count_when(pipeline_kit._quality_outside(column, low, high))}) -%}

  {%- elif kind in ['expression', 'cross_column'] -%}
    {%- set text = rule.get('business_rule', rule.get('expression')) -%}
    {%- set tolerance = pipeline_kit._quality_number(ctx, label, rule, 'tolerance') -%}
    {%- if tolerance is not none and tolerance < 0 -%}
      {{ pipeline_kit._quality_fail(ctx, label, '`tolerance` must be >= 0', tolerance) }}
    {%- endif -%}
    {%- set condition = pipeline_kit._quality_expression(ctx, label, text, tolerance) -%}
    {%- do out.update({'name': ('business_rule(' if kind == 'expression' else 'cross_column(') ~ text ~ ')',
                       'failing': pipeline_kit._quality_count_when('not ' ~ condition)}) -%}

  {%- elif kind == 'aggregate' -%}
    {%- set column = pipeline_kit._quality_column(ctx, label, rule) -%}
    {%- set aggregate = rule.get('aggregate') -%}
    {%- if aggregate not in ['sum', 'mean', 'avg', 'min', 'max', 'percentile'] -%}
      {{ pipeline_kit._quality_fail(ctx, label, '`aggregate` must be one of sum, mean, avg, min, max, percentile', aggregate) }}
    {%- endif -%}
    {%- if aggregate == 'percentile' -%}
      {%- set fraction = pipeline_kit._quality_ratio(ctx, label, 'percentile', rule.get('percentile', 0.5)) -%}
      {%- set value = pipeline_kit._quality_percentile(column, fraction) -%}
    {%- else -%}
      {%- set value = ('avg' if aggregate == 'mean' else aggregate) ~ '(' ~ column ~ ')' -%}
    {%- endif -%}
    {%- set low, high = pipeline_kit._quality_bounds(ctx, label, rule, 'min_value', 'max_value') -%}
    {%- if aggregate in ['min', 'max', 'sum'] -%}
      {%- set low, high = pipeline_kit._quality_real_bounds(ctx, rule, [low, high]) -%}
    {%- endif -%}
    {%- do out.update({'name': aggregate ~ '(' ~ named ~ ')', 'evaluated': '1',
                       'failing': 'case when ' ~ value ~ ' is null or ' ~ pipeline_kit._quality_outside(value, low, high) ~ ' then 1 else 0 end'}) -%}

  {%- elif kind == 'relationship' -%}
    {%- set column = pipeline_kit._quality_column(ctx, label, rule) -%}
    {%- set parent = pipeline_kit._quality_relation(ctx, label, 'to', rule.get('to')) -%}
    {%- set field = pipeline_kit._quality_other_column(ctx, label, parent, 'field', rule.get('field'), 'the parent column name') -%}
    {%- set alias = pipeline_kit._quality_alias(ctx, 'pk_ref_') -%}
    {%- set parent_key = adapter.dispatch('_quality_parent_key', 'pipeline_kit')(ctx, rule, parent, field) -%}
    {%- do out.joins.append('left join (select distinct ' ~ parent_key ~ ' as ' ~ alias ~ '_key from ' ~ parent ~ ') as ' ~ alias
                            ~ ' on pk_source.' ~ column ~ ' = ' ~ alias ~ '.' ~ alias ~ '_key') -%}
    {%- do out.update({'name': 'relationship(' ~ named ~ ' -> ' ~ pipeline_kit._quality_column_name(rule.get('field')) ~ ')',
                       'failing': pipeline_kit._quality_count_when('pk_source.' ~ column ~ ' is not null and ' ~ alias ~ '.' ~ alias ~ '_key is null')}) -%}

  {%- elif kind == 'reconciliation' -%}
    {%- set other = pipeline_kit._quality_relation(ctx, label, 'compare_to', rule.get('compare_to')) -%}
    {%- set measure = rule.get('measure', 'count') -%}
    {%- if measure not in ['count', 'sum'] -%}
      {{ pipeline_kit._quality_fail(ctx, label, '`measure` must be count or sum', measure) }}
    {%- endif -%}
    {%- set tolerance = pipeline_kit._quality_number(ctx, label, rule, 'tolerance', default=0) -%}
    {%- if tolerance < 0 -%}
      {{ pipeline_kit._quality_fail(ctx, label, '`tolerance` must be >= 0', tolerance) }}
    {%- endif -%}
    {%- if measure == 'sum' -%}
      {%- set column = pipeline_kit._quality_column(ctx, label, rule) -%}
      {#- the other relation's column of that name (by default the one `column` names) -#}
      {%- set other_column = pipeline_kit._quality_other_column(ctx, label, other, 'compare_column', rule.get('compare_column', rule.get('column')), 'a column name') -%}
      {%- set ours = 'coalesce(sum(pk_source.' ~ column ~ '), 0)' -%}
      {%- set theirs_sql = 'coalesce(sum(' ~ other_column ~ '), 0)' -%}
    {%- else -%}
      {%- set ours = 'count(*)' -%}
      {%- set theirs_sql = 'count(*)' -%}
    {%- endif -%}
    {#- the other side as a scalar subquery, not a join: joined to an empty model it would have no
        row, and abs(0 - NULL) > tolerance is NULL, which passed an empty model against a full one -#}
    {%- set theirs = '(select ' ~ theirs_sql ~ ' from ' ~ other ~ ')' -%}
    {%- do out.update({'name': 'reconciliation(' ~ measure ~ ((' ' ~ rule.get('column')) if measure == 'sum' else '') ~ ')', 'evaluated': '1',
                       'failing': 'case when abs(' ~ ours ~ ' - ' ~ theirs ~ ') > ' ~ tolerance ~ ' then 1 else 0 end'}) -%}

  {%- elif kind == 'freshness' -%}
    {%- set column = pipeline_kit._quality_column(ctx, label, rule) -%}
    {%- set hours = pipeline_kit._quality_number(ctx, label, rule, 'max_age_hours', required=true) -%}
    {%- set reference = rule.get('reference_time') -%}
    {#- A timezone-aware column's age is the time between instants: now as an instant (a naive
        wall clock read back in a DST zone is ambiguous for the hour the change repeats), a
        naive reference_time read in the session time zone. A naive column's age is its wall
        clock's, against now's wall clock in the session time zone. -#}
    {%- set aware = pipeline_kit._quality_is_aware(ctx, named) -%}
    {%- set reference_type = pipeline_kit._quality_aware_timestamp_type() if aware else pipeline_kit._naive_timestamp_type() -%}
    {%- if reference is none -%}
      {%- set reference_sql = dbt.current_timestamp() if aware
                              else 'cast(' ~ dbt.current_timestamp() ~ ' as ' ~ reference_type ~ ')' -%}
    {%- elif reference is string and modules.re.match('^\\d{4}-\\d{2}-\\d{2}( \\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?)?$', reference) -%}
      {%- set reference_sql = 'cast(' ~ pipeline_kit._string_literal(reference) ~ ' as ' ~ reference_type ~ ')' -%}
    {%- else -%}
      {{ pipeline_kit._quality_fail(ctx, label, '`reference_time` must be a timestamp literal YYYY-MM-DD[ HH:MM[:SS[.ffffff]]]', reference) }}
    {%- endif -%}
    {%- set age = pipeline_kit._quality_lag_hours('max(' ~ column ~ ')', reference_sql, aware) -%}
    {%- do out.update({'name': 'freshness(' ~ named ~ ')', 'evaluated': '1',
                       'failing': 'case when max(' ~ column ~ ') is null or ' ~ age ~ ' > ' ~ hours ~ ' then 1 else 0 end'}) -%}

  {%- elif kind == 'load_lag' -%}
    {%- set column = pipeline_kit._quality_column(ctx, label, rule) -%}
    {%- set event_column = pipeline_kit._quality_column(ctx, label, rule, 'event_column') -%}
    {%- set hours = pipeline_kit._quality_number(ctx, label, rule, 'max_lag_hours', required=true) -%}
    {%- set fraction = pipeline_kit._quality_ratio(ctx, label, 'percentile', rule.get('percentile', 0.95)) -%}
    {#- two timezone-aware columns: the lag between their instants; otherwise as the engine
        subtracts them (a naive side is wall clock; mixed, the engine reads the naive one in the
        session time zone) -#}
    {%- set instants = pipeline_kit._quality_is_aware(ctx, named)
                       and pipeline_kit._quality_is_aware(ctx, pipeline_kit._quality_column_name(rule.get('event_column'))) -%}
    {#- a date side is compared as its midnight: PostgreSQL's date - date is a number of days, not an
        interval; a naive midnight (Snowflake's plain TIMESTAMP follows TIMESTAMP_TYPE_MAPPING) -#}
    {%- if pipeline_kit._quality_column_type(ctx, rule.get('column')) == 'date' -%}
      {%- set column = 'cast(' ~ column ~ ' as ' ~ pipeline_kit._naive_timestamp_type() ~ ')' -%}
    {%- endif -%}
    {%- if pipeline_kit._quality_column_type(ctx, rule.get('event_column')) == 'date' -%}
      {%- set event_column = 'cast(' ~ event_column ~ ' as ' ~ pipeline_kit._naive_timestamp_type() ~ ')' -%}
    {%- endif -%}
    {%- do out.update({'name': 'load_lag_p' ~ ((fraction * 100) | round(1) | string).replace('.0', '') ~ '(' ~ named ~ ' - ' ~ pipeline_kit._quality_column_name(rule.get('event_column')) ~ ')', 'evaluated': '1',
                       'failing': pipeline_kit._quality_lag_percentile_above(event_column, column, fraction, hours, instants)}) -%}

  {%- elif kind == 'accepted_values' -%}
    {%- set column = pipeline_kit._quality_column(ctx, label, rule) -%}
    {%- set values = rule.get('allowed_values') -%}
    {%- if values is string or values is not iterable or values is mapping or values | length == 0 -%}
      {{ pipeline_kit._quality_fail(ctx, label, '`allowed_values` must be a non-empty list', values) }}
    {%- endif -%}
    {%- set literals = [] -%}
    {%- for value in values -%}
      {#- a NULL passes every validity rule already; as a literal it would be the text 'None' -#}
      {%- if value is none -%}
        {{ pipeline_kit._quality_fail(ctx, label, '`allowed_values` holds a null (NULL values pass validity rules already; drop it)', values) }}
      {%- endif -%}
      {%- do literals.append(pipeline_kit._quality_literal(value, rule.get('quote', true))) -%}
    {%- endfor -%}
    {%- do out.update({'name': 'accepted_values(' ~ named ~ ')',
                       'failing': pipeline_kit._quality_count_when(pipeline_kit._quality_not_in(column, literals), true)}) -%}

  {%- elif kind == 'regex' -%}
    {%- set column = pipeline_kit._quality_column(ctx, label, rule) -%}
    {%- set pattern = rule.get('regex') -%}
    {%- if pattern is not string or pattern == '' -%}
      {{ pipeline_kit._quality_fail(ctx, label, '`regex` must be a non-empty pattern', pattern) }}
    {%- endif -%}
    {%- do out.update({'name': 'regex(' ~ named ~ ')',
                       'failing': pipeline_kit._quality_count_when(column ~ ' is not null and not ' ~ pipeline_kit._quality_regex_match(column, pattern), true)}) -%}

  {%- elif kind == 'length' -%}
    {%- set column = pipeline_kit._quality_column(ctx, label, rule) -%}
    {%- set low, high = pipeline_kit._quality_bounds(ctx, label, rule, 'min_length', 'max_length') -%}
    {%- do out.update({'name': 'length(' ~ named ~ ')', 'failing': pipeline_kit._quality_count_when(pipeline_kit._quality_length_outside(column, low, high))}) -%}

  {%- elif kind == 'castable' -%}
    {%- set column = pipeline_kit._quality_column(ctx, label, rule) -%}
    {%- set type_name = (rule.get('castable_to') or '') | string | lower | trim -%}
    {%- if type_name not in pipeline_kit._quality_castable_types() -%}
      {{ pipeline_kit._quality_fail(ctx, label, '`castable_to` must be one of ' ~ (pipeline_kit._quality_castable_types() | join(', ')), rule.get('castable_to')) }}
    {%- endif -%}
    {%- do out.update({'name': 'castable(' ~ named ~ ' as ' ~ type_name ~ ')',
                       'failing': pipeline_kit._quality_count_when(column ~ ' is not null and not ' ~ pipeline_kit._quality_is_castable(column, type_name))}) -%}

  {%- elif kind == 'unique' -%}
    {%- set keys = rule.get('columns') or rule.get('column') -%}
    {%- if keys is string -%}{%- set keys = [keys] -%}{%- endif -%}
    {%- if keys is none or keys is mapping or keys | length == 0 or rule.get('unique', true) is not true -%}
      {{ pipeline_kit._quality_fail(ctx, label, 'a uniqueness rule needs `column` or `columns` and `unique: true`', rule) }}
    {%- endif -%}
    {%- set checked, plain = [], [] -%}
    {%- for key in keys -%}
      {%- do checked.append(pipeline_kit._quality_column(ctx, label, {'column': key})) -%}
      {%- do plain.append(pipeline_kit._quality_column_name(key)) -%}
    {%- endfor -%}
    {%- set not_null = [] -%}
    {%- for key in checked -%}{%- do not_null.append(key ~ ' is not null') -%}{%- endfor -%}
    {#- Duplicate rows: rows with a complete key beyond the first per key (an aggregate, so the
        check stays in the single scan: no window, no self-join). -#}
    {%- do out.update({'name': 'unique(' ~ (plain | join(', ')) ~ ')', 'column': plain | join(', '),
                       'failing': pipeline_kit._quality_count_when(not_null | join(' and ')) ~ ' - ' ~ pipeline_kit._quality_count_distinct(checked)}) -%}
  {%- endif -%}

  {%- if rule.get('name') -%}
    {%- do out.update({'name': rule.get('name') | string}) -%}
  {%- endif -%}
  {#- `dbt build --empty` builds every model empty (it checks the SQL, not the data): a check of the
      table as a whole (row count, aggregate, freshness, load-lag percentile, reconciliation) is
      not evaluated there, where it could only fail; row rules count no rows anyway -#}
  {%- if out.evaluated == '1' and flags.EMPTY -%}
    {%- do out.update({'failing': '0', 'evaluated': '0'}) -%}
  {%- endif -%}
  {{- return(out) -}}
{% endmacro %}
