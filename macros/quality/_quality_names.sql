{#- Names the quality tests read from text: the relation in dbt's `where` subquery, and the
    columns of another relation (a relationship's parent, a reconciliation's other side). Kept
    apart from _quality_rules.sql, which sqlfluff skips above 40000 bytes. -#}

{#- The parts (database, schema, name; unquoted) of the relation in dbt's `where` subquery
    `(select * from <relation> where ...) dbt_subquery`, or none. A part may be quoted and hold
    dots, spaces or doubled quotes ("Dotted.Name", "My Table"): the text is split on the dots
    outside quotes. -#}
{% macro _quality_subquery_relation(text) %}
  {%- set part = '(?:"(?:[^"]|"")*"|[^\\s".()]+)' -%}
  {%- set found = modules.re.search('from\\s+(' ~ part ~ '(?:\\s*\\.\\s*' ~ part ~ ')*)', text, modules.re.IGNORECASE) -%}
  {%- if not found -%}
    {{- return(none) -}}
  {%- endif -%}
  {%- set parts = [] -%}
  {%- for quoted, plain in modules.re.findall('"((?:[^"]|"")*)"|([^\\s".()]+)', found.group(1)) -%}
    {%- do parts.append(quoted.replace('""', '"') if quoted else plain) -%}
  {%- endfor -%}
  {{- return(parts) -}}
{% endmacro %}

{#- A column of another relation (a relationship's parent `field`, a reconciliation's
    `compare_column`) as SQL: that relation's own name for it, quoted, found as the model's own
    columns are (_quality_known_column: any case, a quoted name exactly), so "ParentKey", a name
    with a space or a reserved word works. When that relation's columns are unknown (parse time,
    an ephemeral model, a relation not built) a plain name is used as written and any other quoted. -#}
{% macro _quality_other_column(ctx, label, relation, key, value, what) %}
  {%- if value is not string or value | trim == '' or pipeline_kit._quality_column_name(value) == '' -%}
    {{ pipeline_kit._quality_fail(ctx, label, '`' ~ key ~ '` must be ' ~ what, value) }}
  {%- endif -%}
  {%- set columns = {} -%}
  {%- if execute and relation is not string and relation is not none
        and not (relation.identifier or '').startswith('__dbt__cte__') -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
      {%- do columns.setdefault(column.name | lower, []).append(column) -%}
    {%- endfor -%}
  {%- endif -%}
  {%- if not columns -%}
    {%- set given = value | trim -%}
    {{- return(given if given.startswith('"') or modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', given)
               else adapter.quote(given)) -}}
  {%- endif -%}
  {%- set found = pipeline_kit._quality_known_column({'test': ctx.test, 'model_name': ctx.model_name, 'columns': columns}, label, value) -%}
  {%- if found is none -%}
    {{ pipeline_kit._quality_fail(ctx, label, '`' ~ key ~ '`: column `' ~ value ~ '` is not in ' ~ relation ~ ' (columns: ' ~ (columns.keys() | list | sort | join(', ')) ~ ')', value) }}
  {%- endif -%}
  {{- return(adapter.quote(found.name)) -}}
{% endmacro %}
