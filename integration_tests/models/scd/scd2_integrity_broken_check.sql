-- A deliberately broken SCD2 table for the scd2_integrity negative case.
select * from {{ ref('scd2_integrity_broken') }}
