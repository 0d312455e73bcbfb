{#- A pipeline_kit setting (merge_order_by, scd_type, hard_deletes, ...) from the model's `meta`,
    else from its config. dbt 1.10+ warns about custom keys at the top of a config on adapters
    that validate configs (Snowflake, BigQuery, Databricks, Redshift: CustomKeyInConfigDeprecation)
    and asks for them under `meta`; both places work, `meta` first, as dbt's config.meta_get reads
    it. Checking `meta` before config.get also spares dbt's warning for a key read from the top
    level that lives in `meta`. At parse time config.get returns '' and so does this. -#}
{% macro _config_get(key, default=none) %}
  {%- set meta = config.get('meta') -%}
  {%- if meta is mapping and key in meta -%}
    {{- return(meta[key]) -}}
  {%- endif -%}
  {{- return(config.get(key, default)) -}}
{% endmacro %}

{#- Refuse a setting of the model's config or `meta` that is a misspelling of one `macro_name` reads
    (`known`): dbt keeps unknown keys without a word, so `merge_delete_mod='soft'` or
    `hard_delete='invalidate'` would silently leave the default in force. A misspelling is a key
    that is not known but equals a known one up to case, underscores and a plural `s`, or (for
    `prefix`) any unknown key with the materialization's own prefix. `replaced` maps keys of
    other tools (dbt snapshots) to what to use instead. -#}
{% macro _refuse_misspelt_settings(macro_name, known, prefix=none, replaced={}) %}
  {%- set config_keys = (model.config or {}).keys() | list if model is defined and model.config is mapping else [] -%}
  {%- set meta = config.get('meta') -%}
  {%- set keys = config_keys + (meta.keys() | list if meta is mapping else []) -%}
  {%- set folded = {} -%}
  {%- for name in known -%}
    {%- do folded.update({modules.re.sub('[^a-z0-9]', '', name | lower).rstrip('s'): name}) -%}
  {%- endfor -%}
  {%- for key in keys if key is string and key not in known -%}
    {%- if key in replaced -%}
      {{ pipeline_kit._raise(macro_name, '`' ~ key ~ '` is not a setting of ' ~ macro_name ~ ': ' ~ replaced[key], key) }}
    {%- endif -%}
    {%- set match = folded.get(modules.re.sub('[^a-z0-9]', '', key | lower).rstrip('s')) -%}
    {%- if match or (prefix and key.startswith(prefix)) -%}
      {%- set own = [] -%}
      {%- for name in known if prefix and name.startswith(prefix) -%}{%- do own.append(name) -%}{%- endfor -%}
      {{ pipeline_kit._raise(macro_name, '`' ~ key ~ '` is not a setting of ' ~ macro_name ~ (' (did you mean `' ~ match ~ '`?)' if match else '; its `' ~ prefix ~ '*` settings are ' ~ own | join(', ')), key) }}
    {%- endif -%}
  {%- endfor -%}
{% endmacro %}
