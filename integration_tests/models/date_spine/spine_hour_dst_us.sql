{{ pipeline_kit.date_spine('hour', '2024-03-09 22:00', '2024-03-10 04:00') }}
