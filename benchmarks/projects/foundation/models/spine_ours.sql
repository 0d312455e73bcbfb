{{ pipeline_kit.date_spine('day', var('spine_start'), var('spine_end')) }}
