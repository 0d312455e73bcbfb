{% snapshot scd2_dbt %}
  {{ config(target_schema=target.schema, unique_key='id', strategy='timestamp', updated_at='updated_at') }}
  select
    id,
    name,
    tier,
    amount,
    updated_at
  from {{ target.schema }}.{{ var('src', 'bench_base') }}
{% endsnapshot %}
