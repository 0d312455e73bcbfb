-- Calendar for 2024 with a fiscal year starting in April.
{{ pipeline_kit.date_dimension('2024-01-01', '2025-01-01', fiscal_year_start_month=4) }}
