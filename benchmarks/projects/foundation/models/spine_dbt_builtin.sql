-- Baseline: dbt's built-in date_spine (it queries the warehouse at compile time for the period count).
{{ dbt.date_spine('day', "cast('" ~ var('spine_start') ~ "' as date)", "cast('" ~ var('spine_end') ~ "' as date)") }}
