{#- deduplicate: keep exactly one row per `partition_by` key, the first by `order_by`.
    - NULL keys form one group (window partitions and DISTINCT ON both group NULLs together);
      rows with NULLs in any other column are kept (no natural-join fallback that drops them).
    - NULLs sort last in every `order_by` item that does not say otherwise, on every adapter.
    - Ties on `order_by` are broken by every column of the relation in declared order
      (ascending, NULLs last), so the kept row is the same on every run and adapter; on
      PostgreSQL a column of a type it cannot order (json, xml, point...) by its text form. For a
      CTE name pass `columns=[...]` (an expression such as `payload::text` will do); without it,
      ties fall back to the whole row's text per engine. -#}
{% macro deduplicate(relation, partition_by, order_by, columns=none) %}
  {%- if relation is none or (relation is string and relation | trim == '') -%}
    {{ pipeline_kit._raise('deduplicate', '`relation` is required (a relation or a CTE name)', relation) }}
  {%- endif -%}
  {%- if relation is not string and relation.render is not defined -%}
    {{ pipeline_kit._raise('deduplicate', '`relation` must be a relation (ref(), source(), this) or a CTE name', relation) }}
  {%- endif -%}
  {%- set keys = pipeline_kit._as_list('deduplicate', 'partition_by', partition_by) -%}
  {%- set ordering = pipeline_kit._as_list('deduplicate', 'order_by', order_by) -%}
  {#- a bare number is a column position to DISTINCT ON / ORDER BY (PostgreSQL) but a constant in
      a window (DuckDB, Snowflake): the adapters would keep different rows -#}
  {%- for arg_name, items in [('partition_by', keys), ('order_by', ordering)] -%}
    {%- for item in pipeline_kit._split_items(items) -%}
      {%- if modules.re.match('^[0-9]+(\s+(asc|desc))?(\s+nulls\s+(first|last))?$', item, modules.re.IGNORECASE) -%}
        {{ pipeline_kit._raise('deduplicate', '`' ~ arg_name ~ '` item ' ~ item ~ ' is a bare number, which PostgreSQL reads as a column position and other engines as a constant: name the column', items) }}
      {%- endif -%}
    {%- endfor -%}
  {%- endfor -%}
  {#- a string is one column, as for partition_by (iterated, it would be one column per letter) -#}
  {%- if columns is not none -%}
    {%- set columns = pipeline_kit._as_list('deduplicate', 'columns', columns) -%}
  {%- endif -%}
  {#- a relation's columns from the adapter's metadata: not for a CTE dbt names `__dbt__cte__<model>`
      (an ephemeral model, a dbt unit test's input), and under `dbt compile` / `docs generate` only
      when the relation exists (it may not be built yet); without them ties fall back to the row -#}
  {%- if columns is none and relation is not string and execute and not (relation.identifier or '').startswith('__dbt__cte__') -%}
    {%- set columns = [] -%}
    {%- set found = [] if flags.WHICH in ['compile', 'generate', 'docs'] and load_relation(relation) is none else adapter.get_columns_in_relation(relation) -%}
    {%- set names = found | map(attribute='name') | list -%}
    {%- if '"' in names | join -%}
      {%- do pipeline_kit._raise_quoted_name('deduplicate', names) -%}
    {%- endif -%}
    {%- for name in names -%}
      {%- do columns.append(adapter.quote(name)) -%}
    {%- endfor -%}
    {%- if columns | length == 0 and flags.WHICH not in ['compile', 'generate', 'docs'] -%}
      {{ pipeline_kit._raise('deduplicate', '`relation` has no columns or does not exist', relation) }}
    {%- endif -%}
  {%- endif -%}
  {%- set dedup = {
      'relation': relation,
      'partition_by': keys,
      'order_by': pipeline_kit._nulls_last(ordering),
      'tie_breakers': (pipeline_kit._nulls_last(columns | map('string') | map('trim') | list) if columns else none),
      'relation_columns': found if found is defined else none} -%}
  {{ return(adapter.dispatch('deduplicate', 'pipeline_kit')(dedup)) }}
{% endmacro %}

{#- A string, or a non-empty list of non-empty strings, as a list. -#}
{% macro _as_list(macro_name, arg_name, value) %}
  {%- if value is string -%}
    {%- set items = [value] -%}
  {%- elif value is iterable and value is not mapping -%}
    {%- set items = value | list -%}
  {%- elif value is none -%}
    {%- set items = [] -%}
  {%- else -%}
    {#- a number or a mapping was given: say it is the wrong kind, not that it is missing -#}
    {{ pipeline_kit._raise(macro_name, '`' ~ arg_name ~ '` must be a column name or expression, or a list of them', value) }}
  {%- endif -%}
  {%- set cleaned = [] -%}
  {%- for item in items -%}
    {%- if item is not string or item | trim == '' -%}
      {{ pipeline_kit._raise(macro_name, '`' ~ arg_name ~ '` must be a column name or expression, or a list of them', value) }}
    {%- endif -%}
    {%- do cleaned.append(item | trim) -%}
  {%- endfor -%}
  {%- if cleaned | length == 0 -%}
    {{ pipeline_kit._raise(macro_name, '`' ~ arg_name ~ '` is required', value) }}
  {%- endif -%}
  {{- return(cleaned) -}}
{% endmacro %}

{#- Make NULL placement explicit: DuckDB sorts NULLs last in DESC, PostgreSQL and Snowflake first.
    An item with commas ('updated_at desc, id', the dbt_utils form) is several items: each gets
    its own (see _split_items). -#}
{% macro _nulls_last(order_items) %}
  {%- set explicit = [] -%}
  {%- for item in (pipeline_kit._split_items(order_items) if ',' in order_items | join else order_items) -%}
    {%- if modules.re.search('\\bnulls\\s+(first|last)\\s*$', item, modules.re.IGNORECASE) -%}
      {%- do explicit.append(item) -%}
    {%- else -%}
      {%- do explicit.append(item ~ ' nulls last') -%}
    {%- endif -%}
  {%- endfor -%}
  {{- return(explicit) -}}
{% endmacro %}

{#- Items, each split into its comma-separated parts outside brackets ((), [] as in
    `array[major, minor]`, {}) and quotes ('...' and "..."), trimmed, empty ones left out. -#}
{% macro _split_items(items) %}
  {%- set split = [] -%}
  {%- for item in items -%}
    {%- do split.extend(pipeline_kit._split_top_level(item | string)) -%}
  {%- endfor -%}
  {{- return(split) -}}
{% endmacro %}

{% macro _split_top_level(text) %}
  {%- set parts, state = [], {'depth': 0, 'quote': none, 'start': 0} -%}
  {%- for ch in text -%}
    {%- if state.quote -%}
      {%- if ch == state.quote -%}
        {%- do state.update({'quote': none}) -%}
      {%- endif -%}
    {%- elif ch in ['"', "'"] -%}
      {%- do state.update({'quote': ch}) -%}
    {%- elif ch in '([{' -%}
      {%- do state.update({'depth': state.depth + 1}) -%}
    {%- elif ch in ')]}' -%}
      {%- do state.update({'depth': state.depth - 1}) -%}
    {%- elif ch == ',' and state.depth == 0 -%}
      {%- do parts.append(text[state.start:loop.index0]) -%}
      {%- do state.update({'start': loop.index}) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- do parts.append(text[state.start:]) -%}
  {{- return(parts | map('trim') | reject('equalto', '') | list) -}}
{% endmacro %}

{% macro default__deduplicate(dedup) %}
  select *
  from {{ dedup.relation }} as _pk_rows
  qualify row_number() over (
    partition by {{ dedup.partition_by | join(', ') }}
    order by {{ (dedup.order_by + (dedup.tie_breakers or [pipeline_kit._row_text('_pk_rows') ~ ' nulls last'])) | join(', ') }}
  ) = 1
{% endmacro %}

{# PostgreSQL: no QUALIFY; DISTINCT ON keeps the first row per key without an extra column. A relation's text columns break ties in the "C" collation (bytes, as DuckDB and Snowflake compare: under an en_US database 'a' sorts before 'B'), a column of a type without ordering (json, xml, point...) by its text form: ORDER BY on it would fail #}
{% macro postgres__deduplicate(dedup) %}
  {%- set as_text = pipeline_kit._pg_text_compared(dedup.relation_columns or []) -%}
  select distinct on ({{ dedup.partition_by | join(', ') }}) *
  from {{ dedup.relation }} as _pk_rows
  order by {{ (pipeline_kit._nulls_last(dedup.partition_by) + dedup.order_by + (pipeline_kit._text_tie_breakers(dedup.relation_columns, as_text) if dedup.relation_columns else dedup.tie_breakers or [pipeline_kit._row_text('_pk_rows')])) | join(', ') }}
{% endmacro %}

{#- PostgreSQL: the relation's tie breakers, text columns in the "C" collation and the columns
    named in `as_text` in their text form. -#}
{% macro _text_tie_breakers(columns, as_text) %}
  {%- set items = [] -%}
  {%- for c in columns -%}
    {%- set compared = ('::text collate "C"' if c.name in as_text else (' collate "C"' if c.is_string() else '')) -%}
    {%- do items.append(adapter.quote(c.name) ~ compared ~ ' nulls last') -%}
  {%- endfor -%}
  {{- return(items) -}}
{% endmacro %}

{#- PostgreSQL: the names of `columns` (Column objects) whose type has no btree ordering or no
    equality operator (information_schema's data_type), so ORDER BY or IS DISTINCT FROM on them
    fails ("could not identify an ordering operator for type json"). Their text form has both.
    Arrays and extension types count too: data_type says only ARRAY / USER-DEFINED, not whether
    the element type orders (json[] does not), and the text form always does. -#}
{% macro _pg_text_compared(columns) %}
  {{- return(columns | selectattr('dtype', 'in', 'json jsonpath xml point line lseg box path polygon circle aclitem cid xid txid_snapshot pg_snapshot refcursor ARRAY USER-DEFINED'.split()) | map(attribute='name') | list) -}}
{% endmacro %}

{#- The whole row as text: a last-resort tie breaker when the columns are unknown. -#}
{% macro _row_text(alias) %}
  {{- return(adapter.dispatch('_row_text', 'pipeline_kit')(alias)) -}}
{% endmacro %}

{% macro default___row_text(alias) %}
  {{- return('cast(' ~ alias ~ ' as ' ~ dbt.type_string() ~ ')') -}}
{% endmacro %}

{# PostgreSQL: a table alias is a composite value; its text form is the row, compared in the "C" collation (bytes, as the other engines) #}
{% macro postgres___row_text(alias) %}
  {{- return(alias ~ '::text collate "C"') -}}
{% endmacro %}

{# Snowflake: no row values; serialise the row as an object (keeps NULLs) #}
{% macro snowflake___row_text(alias) %}
  {{- return('to_varchar(object_construct_keep_null(' ~ alias ~ '.*))') -}}
{% endmacro %}
