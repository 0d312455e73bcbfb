{{ config(enabled=it_var('pk_quoted_names', false), materialized='scd', scd_type=2, unique_key='id', updated_at='updated_at') }}
select * from {{ ref('quoted_names_source') }}
