-- Every raw row of the shop's own KPI targets (KPI x slice), typed, with the data-quality
-- rule it breaks (null when clean). The target arrives as text so that a mistyped number is
-- quarantined here (invalid_value) rather than stopping the load.

with

source as (
    select * from {{ source('shop', 'kpi_targets') }}
),

registry as (
    select * from {{ ref('kpi_registry') }}
),

typed as {{ cte_hint() }} (
    select
        lower({{ clean_text('source.kpi_id') }}) as kpi_id,
        {{ clean_text('source.kpi_id') }} as kpi_id_raw,
        {{ clean_text('source.slice_value') }} as slice_value,
        {{ shop_number('source.target') }} as kpi_target,
        source.is_target_per_day,
        {{ clean_text('source.note') }} as note,
        {{ raw_row_values('source') }} as dq_raw_values,
        {{ dq_source_position('source') }}
    from source
),

ranked as (
    {{ dq_ranked_by_key(['typed.kpi_id', 'typed.slice_value']) }}
),

checked as (
    select
        typed.*,
        {{ dq_first_broken_rule([
            ('missing_key', 'typed.kpi_id is null'),
            ('duplicate_key', dq_is_duplicate()),
            ('conflicting_duplicate', dq_is_later_row()),
            ('invalid_value', 'typed.kpi_target is null'),
            ('unknown_kpi', 'registry.kpi_id is null'),
        ]) }} as dq_rule
    from ranked as typed
    left join registry
        on typed.kpi_id = registry.kpi_id
),

final as (
    select
        kpi_id,
        slice_value,
        kpi_target,
        is_target_per_day,
        note,
        dq_rule,
        dq_source_file,
        dq_source_line,
        {{ dq_row_key(['kpi_id_raw', 'slice_value']) }} as dq_row_key,
        -- Raw values are kept only for quarantined rows: clean rows live on in staging.
        case
            when dq_rule is not null then {{ raw_values_text('dq_raw_values') }}
        end as dq_raw_values
    from checked
)

select * from final
