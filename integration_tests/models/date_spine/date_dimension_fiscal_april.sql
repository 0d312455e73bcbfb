{{ pipeline_kit.date_dimension('2023-12-28', '2024-04-03', fiscal_year_start_month=4) }}
