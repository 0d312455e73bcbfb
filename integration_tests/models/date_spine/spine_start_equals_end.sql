-- start = end: the half-open interval is empty
{{ pipeline_kit.date_spine('day', '2024-01-01', '2024-01-01') }}
