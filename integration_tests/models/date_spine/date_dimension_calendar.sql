{{ pipeline_kit.date_dimension('2024-02-26', '2024-03-04') }}
