-- deduplicate over a relation with a `json` column: its tie breakers include the payload, which
-- PostgreSQL orders by its text form (test_dedup_json.py); off unless dedup_json_enabled is set.
{{ config(enabled=it_var('dedup_json_enabled', false)) }}
{{ pipeline_kit.deduplicate(ref('dedup_json_source'), partition_by='id', order_by='v desc') }}
