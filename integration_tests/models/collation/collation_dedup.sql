{{ config(materialized='table') }}
{{ pipeline_kit.deduplicate(ref('collation_ties'), partition_by='id', order_by='seq desc') }}
