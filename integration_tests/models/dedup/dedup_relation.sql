-- On a relation: tie breakers are the relation's own columns, found from adapter metadata.
{{ pipeline_kit.deduplicate(ref('dedup_orders_input'), partition_by=['customer_id', 'region'], order_by='updated_at desc') }}
