{#- The intermediate and backup relations of a rebuild (merge and scd full refresh): dbt's, with
    the name cut by its UTF-8 bytes where dbt's cut by characters leaves it too long. dbt makes room
    for `__dbt_tmp` / `__dbt_backup` within PostgreSQL's 63 by counting characters; the server
    counts bytes, so for a multi-byte name of 52-63 bytes it cut both suffixes down to one name,
    and every full refresh of an existing table failed with "relation ... already exists". -#}
{% macro _rebuild_relations(target_relation, backup_type) %}
  {%- set found = {'intermediate': make_intermediate_relation(target_relation), 'backup': make_backup_relation(target_relation, backup_type)} -%}
  {%- if target.type == 'postgres' -%}
    {%- for kind, suffix in [('intermediate', '__dbt_tmp'), ('backup', '__dbt_backup')] if found[kind].identifier.encode('utf-8') | length > 63 -%}
      {%- set name = target_relation.identifier.encode('utf-8')[:63 - suffix | length].decode('utf-8', 'ignore') ~ suffix -%}
      {%- do found.update({kind: found[kind].incorporate(path={'identifier': name})}) -%}
    {%- endfor -%}
  {%- endif -%}
  {{- return(found) -}}
{% endmacro %}
