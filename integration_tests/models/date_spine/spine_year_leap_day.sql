{{ pipeline_kit.date_spine('year', '2020-02-29', '2025-01-01') }}
