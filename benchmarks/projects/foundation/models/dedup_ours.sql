{{ pipeline_kit.deduplicate(ref('dedup_input'), partition_by='id', order_by='updated_at desc') }}
