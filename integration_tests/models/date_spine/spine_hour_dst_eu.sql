{{ pipeline_kit.date_spine('hour', '2024-10-26 23:00:00', '2024-10-27 04:00:00') }}
