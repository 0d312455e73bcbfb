{{ pipeline_kit.date_spine('day', '2024-02-27', '2024-03-02') }}
