{{ pipeline_kit.date_spine('hour', '2024-01-01 00:00', '2024-01-01 02:30') }}
