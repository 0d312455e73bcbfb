{{ pipeline_kit.date_spine('month', '2024-01-31', '2024-06-01') }}
