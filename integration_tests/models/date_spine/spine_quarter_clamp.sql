{{ pipeline_kit.date_spine('quarter', '2023-11-30', '2024-12-01') }}
