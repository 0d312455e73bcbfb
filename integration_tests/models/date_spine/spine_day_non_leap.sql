{{ pipeline_kit.date_spine('day', '2023-02-27', '2023-03-02') }}
