{{ pipeline_kit.date_spine('week', '2024-12-23', '2025-01-21') }}
