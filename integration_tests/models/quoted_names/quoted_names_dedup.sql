{{ config(enabled=it_var('pk_quoted_names', false)) }}
{{ pipeline_kit.deduplicate(ref('quoted_names_source'), partition_by='id', order_by='updated_at desc') }}
