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
