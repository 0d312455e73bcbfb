{#- Read and validate the scd materialization's config up front. Every problem raises
    `pipeline_kit.scd: <model>: <argument> ... (got <value>)`. Returns a plain dict.
    The common case (scd_type 1 or 2, one key column, timestamp strategy, none of the optional
    settings) is read here; anything else goes through the full validation in _scd_config_full,
    which returns the same dict (so the long macro is compiled only when it is needed). -#}
{% macro _scd_config() %}
  {%- set defaults = {'scd_id': 'scd_id', 'valid_from': 'valid_from', 'valid_to': 'valid_to', 'is_current': 'is_current',
                      'is_deleted': 'is_deleted', 'scd_hash': 'scd_hash', 'scd_key': 'scd_key', 'first_seen_at': 'first_seen_at',
                      'last_changed_at': 'last_changed_at', 'previous_prefix': 'previous_', 'changed_at_suffix': '_changed_at'} -%}
  {%- set scd_type, unique_key, updated_at = pipeline_kit._config_get('scd_type'), config.get('unique_key'), pipeline_kit._config_get('updated_at') -%}
  {%- set hard_deletes = pipeline_kit._config_get('hard_deletes', 'ignore') -%}
  {%- do pipeline_kit._refuse_misspelt_settings('scd', 'scd_type unique_key updated_at strategy check_cols hard_deletes scd3_columns open_end scd_column_names load_timestamp max_deleted_ratio on_schema_change'.split(), prefix='scd_', replaced={
        'invalidate_hard_deletes': "use hard_deletes='invalidate'",
        'dbt_valid_to_current': 'use open_end',
        'snapshot_meta_column_names': 'use scd_column_names'}) -%}
  {%- for name in 'check_cols scd3_columns open_end scd_column_names load_timestamp max_deleted_ratio'.split() if pipeline_kit._config_get(name) is not none -%}
    {{- return(pipeline_kit._scd_config_full(defaults)) -}}
  {%- endfor -%}
  {%- set on_schema_change = pipeline_kit._config_get('on_schema_change') or 'ignore' -%}
  {%- if scd_type in [1, 2] and scd_type is not boolean and unique_key is string and unique_key | trim and updated_at is string
        and updated_at | trim and hard_deletes in ['ignore', 'invalidate', 'new_record'] and pipeline_kit._config_get('strategy', 'timestamp') == 'timestamp'
        and on_schema_change in ['ignore', 'fail', 'append_new_columns'] -%}
    {{- return({'scd_type': scd_type, 'keys': [unique_key | trim | replace('"', '')], 'updated_at': updated_at | trim | replace('"', ''), 'strategy': 'timestamp',
                'check_cols': none, 'scd3_columns': none, 'hard_deletes': hard_deletes, 'open_end': none, 'names': defaults,
                'load_ts': none, 'on_schema_change': on_schema_change, 'max_deleted_ratio': none}) -}}
  {%- endif -%}
  {{- return(pipeline_kit._scd_config_full(defaults)) -}}
{% endmacro %}

{#- Every setting, every check (see _scd_config). `defaults`: the generated columns' default names. -#}
{% macro _scd_config_full(defaults) %}
  {%- set scd_type = pipeline_kit._config_get('scd_type') -%}
  {%- if scd_type is string and scd_type | trim in ['1', '2', '3'] -%}
    {%- set scd_type = scd_type | trim | int -%}
  {%- endif -%}
  {%- if scd_type not in [1, 2, 3] or scd_type is boolean -%}
    {{ pipeline_kit._raise('scd', '`scd_type` must be 1, 2 or 3', scd_type) }}
  {%- endif -%}
  {%- set unique_key = config.get('unique_key') -%}
  {%- if unique_key is none or (unique_key is not string and (unique_key is not iterable or unique_key is mapping)) -%}
    {{ pipeline_kit._raise('scd', '`unique_key` is required (a column name or a list of them)', unique_key) }}
  {%- endif -%}
  {#- names in double quotes, as dbt's snapshots need them for such columns, are the columns' names -#}
  {%- set keys = pipeline_kit._as_list('scd', 'unique_key', unique_key) | map('replace', '"', '') | list -%}
  {%- set updated_at = pipeline_kit._config_get('updated_at') -%}
  {%- if updated_at is not string or updated_at | trim == '' -%}
    {{ pipeline_kit._raise('scd', '`updated_at` is required: the column with each change\'s timestamp', updated_at) }}
  {%- endif -%}
  {%- set strategy = pipeline_kit._config_get('strategy', 'timestamp') -%}
  {%- if strategy not in ['timestamp', 'check'] -%}
    {{ pipeline_kit._raise('scd', '`strategy` must be timestamp or check', strategy) }}
  {%- endif -%}
  {%- set check_cols = pipeline_kit._config_get('check_cols') -%}
  {%- if strategy == 'check' -%}
    {%- if check_cols != 'all' -%}
      {%- set check_cols = pipeline_kit._as_list('scd', 'check_cols', check_cols) | map('replace', '"', '') | list -%}
    {%- endif -%}
  {%- elif check_cols is not none -%}
    {{ pipeline_kit._raise('scd', '`check_cols` needs strategy=check', check_cols) }}
  {%- endif -%}
  {%- set scd3_columns = pipeline_kit._config_get('scd3_columns') -%}
  {%- if scd_type == 3 -%}
    {%- set scd3_columns = pipeline_kit._as_list('scd', 'scd3_columns', scd3_columns) | map('replace', '"', '') | list -%}
  {%- elif scd3_columns is not none -%}
    {{ pipeline_kit._raise('scd', '`scd3_columns` is only for scd_type 3', scd3_columns) }}
  {%- endif -%}
  {%- set hard_deletes = pipeline_kit._config_get('hard_deletes', 'ignore') -%}
  {%- if hard_deletes not in ['ignore', 'invalidate', 'new_record'] -%}
    {{ pipeline_kit._raise('scd', '`hard_deletes` must be ignore, invalidate or new_record', hard_deletes) }}
  {%- endif -%}
  {#- a guard against a truncated or empty snapshot (a failed extract) deleting most of the table -#}
  {%- set max_deleted_ratio = pipeline_kit._config_get('max_deleted_ratio') -%}
  {%- if max_deleted_ratio is not none -%}
    {%- if max_deleted_ratio is boolean or max_deleted_ratio is not number or not (0 <= max_deleted_ratio <= 1) -%}
      {{ pipeline_kit._raise('scd', '`max_deleted_ratio` must be a ratio in [0, 1] (the largest share of live keys one load may delete)', max_deleted_ratio) }}
    {%- endif -%}
    {%- if hard_deletes == 'ignore' -%}
      {{ pipeline_kit._raise('scd', '`max_deleted_ratio` needs hard_deletes invalidate or new_record (with ignore no load deletes)', hard_deletes) }}
    {%- endif -%}
  {%- endif -%}
  {%- set open_end = pipeline_kit._config_get('open_end') -%}
  {%- set open_end_literal = none -%}
  {%- if open_end is not none -%}
    {%- if scd_type != 2 -%}
      {{ pipeline_kit._raise('scd', '`open_end` is only for scd_type 2', open_end) }}
    {%- endif -%}
    {%- set open_end_literal = pipeline_kit._scd_timestamp_literal('scd', 'open_end', open_end) -%}
  {%- endif -%}
  {%- set given = pipeline_kit._config_get('scd_column_names', {}) -%}
  {%- if given is not mapping -%}
    {{ pipeline_kit._raise('scd', '`scd_column_names` must be a mapping such as {valid_from: effective_from}', given) }}
  {%- endif -%}
  {%- set names = {} -%}
  {%- for name, default in defaults.items() -%}
    {%- do names.update({name: default}) -%}
  {%- endfor -%}
  {%- for name, value in given.items() -%}
    {%- if name not in defaults -%}
      {{ pipeline_kit._raise('scd', '`scd_column_names` has an unknown entry ' ~ name ~ ' (known: ' ~ (defaults.keys() | list | join(', ')) ~ ')', name) }}
    {%- endif -%}
    {%- if value is not string or not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', value) -%}
      {{ pipeline_kit._raise('scd', '`scd_column_names.' ~ name ~ '` must be a plain column name', value) }}
    {%- endif -%}
    {%- do names.update({name: value}) -%}
  {%- endfor -%}
  {%- set load_timestamp = pipeline_kit._config_get('load_timestamp') -%}
  {%- if load_timestamp is not none and (load_timestamp is not string or load_timestamp | trim == '') -%}
    {{ pipeline_kit._raise('scd', '`load_timestamp` must be a SQL expression', load_timestamp) }}
  {%- endif -%}
  {#- dbt's default is ignore; a column the table lacks fails the load unless it is appended
      (sync_all_columns would drop columns, and with them the history they hold) -#}
  {%- set on_schema_change = pipeline_kit._config_get('on_schema_change') or 'ignore' -%}
  {%- if on_schema_change not in ['ignore', 'fail', 'append_new_columns'] -%}
    {{ pipeline_kit._raise('scd', '`on_schema_change` must be ignore, fail or append_new_columns (sync_all_columns would drop columns and the history they hold)', on_schema_change) }}
  {%- endif -%}
  {{- return({'scd_type': scd_type, 'keys': keys, 'updated_at': updated_at | trim | replace('"', ''), 'strategy': strategy,
              'check_cols': check_cols, 'scd3_columns': scd3_columns, 'hard_deletes': hard_deletes,
              'open_end': open_end_literal, 'names': names, 'on_schema_change': on_schema_change, 'max_deleted_ratio': max_deleted_ratio,
              'load_ts': load_timestamp | trim if load_timestamp else none}) -}}
{% endmacro %}

{#- Match the configured column names against the staged source's columns (case-insensitively),
    resolve which columns are tracked, and build once per run the SQL fragments the builders fill
    into their text with str.format (fields such as {pay_t}: compiling a field costs nothing,
    compiling a Jinja expression costs per token, every run): the generated column names, the
    relations, alias-prefixed column lists (pay_<alias>, keys_<alias>), the batch's key / state /
    row hashes, the change time per alias (ts_s, ts_t) and the key predicates. -#}
{% macro _scd_resolve_columns(arg_dict, columns) %}
  {%- set cfg, d = arg_dict.cfg, arg_dict.d -%}
  {%- set f = dict(cfg.names, **arg_dict) -%}
  {%- set by_lower, payload, quoted = {}, [], [] -%}
  {%- for column in columns -%}
    {%- do by_lower.update({column.name | lower: column}) -%}
    {%- do payload.append(column.name) -%}
    {%- do quoted.append(adapter.quote(column.name)) -%}
  {%- endfor -%}
  {%- if '"' in payload | join -%}
    {%- do pipeline_kit._raise_quoted_name('scd', payload) -%}
  {%- endif -%}
  {%- set updated_at = by_lower.get(cfg.updated_at | lower) -%}
  {%- set generated = pipeline_kit._scd_generated_names(cfg) -%}
  {%- set generated_lower = generated.values() | map('lower') | list -%}
  {#- a cheap test first: the checks with their messages are compiled only when one may fail -#}
  {%- if updated_at is none or 'timestamp' not in updated_at.data_type | lower and 'date' not in updated_at.data_type | lower
        or generated_lower | select('in', by_lower) | list or cfg['keys'] | map('lower') | reject('in', by_lower) | list
        or by_lower | length != payload | length or '|_pk_' in '|' ~ by_lower | join('|')
        or generated_lower | unique | list | length != generated_lower | length
        or target.type == 'postgres' and generated.values() | map('length') | max > 20 -%}
    {%- do pipeline_kit._scd_check_columns(cfg, by_lower, payload, generated) -%}
  {%- endif -%}
  {%- set key_names, q_keys, matches = [], [], [] -%}
  {%- for key in cfg['keys'] -%}
    {%- do key_names.append(by_lower[key | lower].name) -%}
    {%- do q_keys.append(adapter.quote(key_names[-1])) -%}
    {%- do matches.append('t.' ~ q_keys[-1] ~ ' is not distinct from k.' ~ q_keys[-1]) -%}
  {%- endfor -%}
  {%- set lowered_keys = key_names | map('lower') | list -%}
  {%- if cfg.strategy == 'timestamp' and not cfg.scd3_columns -%}
    {%- do f.update(tracked=[], scd3=[]) -%}
    {%- for name in payload if name | lower not in lowered_keys -%}
      {%- do f.tracked.append(name) -%}
    {%- endfor -%}
  {%- else -%}
    {%- do f.update(pipeline_kit._scd_resolve_options(cfg, by_lower, payload, lowered_keys)) -%}
  {%- endif -%}

  {#- fragments: alias-prefixed column lists -#}
  {%- for alias in 'srtvkul' -%}
    {%- do f.update({'pay_' ~ alias: alias ~ '.' ~ quoted | join(', ' ~ alias ~ '.'), 'keys_' ~ alias: alias ~ '.' ~ q_keys | join(', ' ~ alias ~ '.')}) -%}
  {%- endfor -%}
  {#- NULL-safe, unambiguous text encodings (as _scd_encode) of the key, the tracked state, the whole
      row; state_t: the state of a stored row (see the versions in _scd_stage_sql). text_of: the
      columns whose type has a text form of its own in the dialect (typed_text: Snowflake's dates and
      times, PostgreSQL's and DuckDB's timestamptz, whose text follows the session) -#}
  {%- do f.update(text_of=pipeline_kit._scd_typed_text(d, columns) if d.get('typed_text') else {}) -%}
  {%- for part, alias, names in [('key', 's', key_names), ('state', 's', f.tracked), ('row', 's', payload), ('id', 'v', key_names), ('state_t', 't', f.tracked), ('row_t', 't', payload)] -%}
    {%- set parts = [] -%}
    {%- for name in names -%}
      {%- set text = f.text_of.get(name, d.text).replace('_pk_expr_', alias ~ '.' ~ adapter.quote(name)) -%}
      {%- do parts.append('coalesce(' ~ d.text.replace('_pk_expr_', 'length(' ~ text ~ ')') ~ " || ':' || " ~ text ~ ", '~')") -%}
    {%- endfor -%}
    {%- do f.update({'enc_' ~ part: parts | join(" || '|' || ") or "''"}) -%}
  {%- endfor -%}
  {#- change times: timezone-aware values converted to UTC without a zone; naive ones taken as UTC as they are -#}
  {%- set ts = d.utc_naive if modules.re.search('with time zone|timestamptz|timestamp_tz|timestamp_ltz', updated_at.data_type | lower) else 'cast(_pk_expr_ as ' ~ d.ts_type ~ ')' -%}
  {#- the target row t has a key that is in a relation k (with _pk_key and the key columns): the text around k -#}
  {%- set key_in = ['exists (select 1 from ', ' as k where ' ~ matches | join(' and ') ~ ')'] if d.key_match == 'columns' else ['t.' ~ f.scd_key ~ ' in (select k._pk_key from ', ' as k)'] -%}
  {%- set q_updated_at = adapter.quote(updated_at.name) -%}
  {#- the load time of deletes: now in UTC, or the configured expression, converted to UTC when its
      value is timezone-aware (current_timestamp) as updated_at is; a cast alone would keep the
      session's wall clock (New York: five hours early, so a delete sorted before the version it
      ends and was dropped). The type is read from one evaluation of the expression. -#}
  {%- set load_ts = d.now_utc -%}
  {%- if cfg.load_ts -%}
    {%- set probe = run_query('select ' ~ cfg.load_ts ~ ' as pk_load_ts').rows[0][0] -%}
    {%- set load_ts = d.utc_naive.replace('_pk_expr_', cfg.load_ts) if probe.tzinfo is defined and probe.tzinfo is not none
                      else 'cast(' ~ cfg.load_ts ~ ' as ' ~ d.ts_type ~ ')' -%}
  {%- endif -%}
  {%- do f.update(payload=payload, keys=key_names, updated_at=q_updated_at, scratch=d.scratch, ts_type=d.ts_type,
                  ts_s=ts.replace('_pk_expr_', 's.' ~ q_updated_at), ts_t=ts.replace('_pk_expr_', 't.' ~ q_updated_at),
                  in_source=key_in | join(arg_dict.source), in_keys_relation=key_in | join(arg_dict.keys_relation),
                  load_ts=load_ts, open_end=cfg.open_end, ts_text_vf=d.ts_text.replace('_pk_expr_', 'v._pk_vf')) -%}
  {{- return(f) -}}
{% endmacro %}

{#- name -> the dialect's text template for that column's type (typed_text, keyed by the type
    without its precision, lowercase), for the columns that have one. -#}
{% macro _scd_typed_text(d, columns) %}
  {%- set found = {} -%}
  {%- for column in columns -%}
    {%- set template = d.typed_text.get(column.data_type.split('(')[0] | trim | lower) -%}
    {%- if template -%}
      {%- do found.update({column.name: template}) -%}
    {%- endif -%}
  {%- endfor -%}
  {{- return(found) -}}
{% endmacro %}

{#- The generated columns this model's table has (by its type and options): setting -> name, the
    SCD3 attributes' previous-value and changed-at columns under 'previous of <attribute>' and
    'changed-at of <attribute>'. -#}
{% macro _scd_generated_names(cfg) %}
  {%- set n = cfg.names -%}
  {%- set used = ['scd_id', 'valid_from', 'valid_to', 'is_current'] if cfg.scd_type == 2 else ['first_seen_at', 'last_changed_at'] -%}
  {%- set used = used + ['scd_hash', 'scd_key'] + (['is_deleted'] if cfg.hard_deletes == 'new_record' else []) -%}
  {%- set found = {} -%}
  {%- for name in used -%}
    {%- do found.update({name: n[name]}) -%}
  {%- endfor -%}
  {%- for attribute in cfg.scd3_columns or [] -%}
    {%- do found.update({'previous of ' ~ attribute: n.previous_prefix ~ attribute, 'changed-at of ' ~ attribute: attribute ~ n.changed_at_suffix}) -%}
  {%- endfor -%}
  {{- return(found) -}}
{% endmacro %}

{#- The model's columns against the config, each problem with its message (see _scd_resolve_columns). -#}
{% macro _scd_check_columns(cfg, by_lower, payload, generated) %}
  {%- for name in payload if (name | lower).startswith('_pk_') -%}
    {{ pipeline_kit._raise('scd', 'column names starting with _pk_ are reserved for the scratch columns of scd; rename the column in the select', name) }}
  {%- endfor -%}
  {%- if by_lower | length != payload | length -%}
    {%- set twins = [] -%}
    {%- for name in payload if (payload | map('lower') | select('equalto', name | lower) | list | length) > 1 -%}
      {%- do twins.append(name) -%}
    {%- endfor -%}
    {{ pipeline_kit._raise('scd', 'the model selects columns whose names differ only by case, which scd cannot tell apart; rename one', twins | join(', ')) }}
  {%- endif -%}
  {%- for name, value in generated.items() if value | lower in by_lower -%}
    {{ pipeline_kit._raise('scd', 'the model already has a column named like the generated `' ~ name ~ '` column; rename it or set scd_column_names', value) }}
  {%- endfor -%}
  {%- set seen = {} -%}
  {%- for name, value in generated.items() -%}
    {%- if value | lower in seen -%}
      {{ pipeline_kit._raise('scd', 'two generated columns would have one name, `' ~ seen[value | lower] ~ '` and `' ~ name ~ '`; set scd_column_names (or previous_prefix / changed_at_suffix) so they differ', value) }}
    {%- endif -%}
    {%- do seen.update({value | lower: name}) -%}
  {%- endfor -%}
  {#- PostgreSQL cuts names at 63 bytes: the table would get another name than every later load looks for -#}
  {%- for name, value in generated.items() if target.type == 'postgres' and value.encode('utf-8') | length > 63 -%}
    {{ pipeline_kit._raise('scd', 'the generated `' ~ name ~ '` column name is longer than PostgreSQL\'s 63 bytes; set scd_column_names (or a shorter previous_prefix / changed_at_suffix)', value) }}
  {%- endfor -%}
  {%- for key in cfg['keys'] if key | lower not in by_lower -%}
    {{ pipeline_kit._raise('scd', '`unique_key` column ' ~ key ~ ' is not a column of the model (columns: ' ~ (payload | join(', ')) ~ ')', key) }}
  {%- endfor -%}
  {%- if cfg.updated_at | lower not in by_lower -%}
    {{ pipeline_kit._raise('scd', '`updated_at` column ' ~ cfg.updated_at ~ ' is not a column of the model (columns: ' ~ (payload | join(', ')) ~ ')', cfg.updated_at) }}
  {%- endif -%}
  {%- set dtype = by_lower[cfg.updated_at | lower].data_type | lower -%}
  {%- if 'timestamp' not in dtype and 'date' not in dtype -%}
    {{ pipeline_kit._raise('scd', '`updated_at` column ' ~ cfg.updated_at ~ ' must be a date or timestamp', by_lower[cfg.updated_at | lower].data_type) }}
  {%- endif -%}
{% endmacro %}

{#- An enforced contract on an incremental run: dbt's check (the one a first build runs on the
    whole select) over the staged batch's columns plus the generated ones, typed as the table has
    them (columns: [the batch's, the table's]). -#}
{% macro _scd_assert_contract(raw_relation, target_relation, columns) %}
  {%- set batch_names = columns[0] | map(attribute='name') | map('lower') | list -%}
  {%- set generated = [] -%}
  {%- for column in columns[1] if column.name | lower not in batch_names -%}
    {%- do generated.append(', _pk_t.' ~ adapter.quote(column.name)) -%}
  {%- endfor -%}
  {%- do get_assert_columns_equivalent('select _pk_r.*' ~ generated | join('') ~ ' from ' ~ raw_relation ~ ' as _pk_r cross join ' ~ target_relation ~ ' as _pk_t') -%}
{% endmacro %}

{#- The tracked columns of strategy=check and SCD3's attributes (see _scd_resolve_columns). -#}
{% macro _scd_resolve_options(cfg, by_lower, payload, lowered_keys) %}
  {%- set tracked = [] -%}
  {%- if cfg.strategy == 'timestamp' -%}
    {%- for name in payload if name | lower not in lowered_keys -%}
      {%- do tracked.append(name) -%}
    {%- endfor -%}
  {%- elif cfg.check_cols == 'all' -%}
    {%- for name in payload if name | lower not in lowered_keys and name | lower != cfg.updated_at | lower -%}
      {%- do tracked.append(name) -%}
    {%- endfor -%}
  {%- else -%}
    {%- for name in cfg.check_cols -%}
      {%- if name | lower not in by_lower -%}
        {{ pipeline_kit._raise('scd', '`check_cols` column ' ~ name ~ ' is not a column of the model', name) }}
      {%- endif -%}
      {%- do tracked.append(by_lower[name | lower].name) -%}
    {%- endfor -%}
  {%- endif -%}
  {%- set scd3 = [] -%}
  {%- for name in (cfg.scd3_columns or []) -%}
    {%- if name | lower not in by_lower or name | lower in lowered_keys or name | lower == cfg.updated_at | lower -%}
      {{ pipeline_kit._raise('scd', '`scd3_columns` column ' ~ name ~ ' must be a non-key column of the model', name) }}
    {%- endif -%}
    {%- do scd3.append(by_lower[name | lower].name) -%}
  {%- endfor -%}
  {{- return({'tracked': tracked, 'scd3': scd3}) -}}
{% endmacro %}

{#- A timestamp literal (YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS]) as a SQL naive-timestamp
    expression; up to 9999-12-31 (the usual far-future open end). -#}
{% macro _scd_timestamp_literal(macro_name, arg_name, value) %}
  {%- set text = (value | string).strip().strip("'").replace('T', ' ') -%}
  {%- set m = modules.re.match('^(\\d{4})-(\\d{2})-(\\d{2})(?: (\\d{2}):(\\d{2})(?::(\\d{2}))?)?$', text) -%}
  {%- set ok = m is not none -%}
  {%- if ok -%}
    {%- set y, mo, d = m.group(1) | int, m.group(2) | int, m.group(3) | int -%}
    {%- set ok = y >= 1 and mo >= 1 and mo <= 12 and d >= 1 and d <= (31 if mo == 12 else pipeline_kit._days_in_month(y, mo))
                 and (m.group(4) or '0') | int < 24 and (m.group(5) or '0') | int < 60 and (m.group(6) or '0') | int < 60 -%}
  {%- endif -%}
  {%- if value is not string or not ok -%}
    {{ pipeline_kit._raise(macro_name, '`' ~ arg_name ~ '` must be a timestamp literal such as 9999-12-31 or 9999-12-31 23:59:59', value) }}
  {%- endif -%}
  {%- set canonical = m.group(1) ~ '-' ~ m.group(2) ~ '-' ~ m.group(3) ~ ' ' ~ (m.group(4) or '00') ~ ':' ~ (m.group(5) or '00') ~ ':' ~ (m.group(6) or '00') -%}
  {{- return('cast(' ~ pipeline_kit._string_literal(canonical) ~ ' as ' ~ pipeline_kit._naive_timestamp_type() ~ ')') -}}
{% endmacro %}
