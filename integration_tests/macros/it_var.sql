{% macro it_var(name, default=none) -%}
  {#- An integration-test switch: the JSON in environment variable PK_VAR_<NAME> when set (the
      pytest harness sets it), else the dbt var `name`. Why not only --vars: dbt re-parses the whole
      project when --vars change (about 3 s a run here), but only the files that read an
      environment variable when that variable changes. -#}
  {#- (env_var is undefined only under sqlfluff's plain Jinja templater) -#}
  {%- set raw = env_var('PK_VAR_' ~ name | upper, '') if env_var is defined else '' -%}
  {{- return(fromjson(raw) if raw != '' else var(name, default)) -}}
{%- endmacro %}
