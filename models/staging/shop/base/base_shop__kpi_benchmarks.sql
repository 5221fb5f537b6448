-- Every raw row of the external KPI benchmarks (KPI x benchmark kind x period), typed, with
-- the data-quality rule it breaks (null when clean). Kinds are read case-insensitively with
-- blanks as underscores ('Top shop' is top_shop); the value arrives as text so that a
-- mistyped number is quarantined here (invalid_value) rather than stopping the load.

with

-- Named delivered, not source: the table has a column called source, which to_json would
-- read instead of the row.
delivered as (
    select * from {{ source('shop', 'kpi_benchmarks') }}
),

registry as (
    select * from {{ ref('kpi_registry') }}
),

typed as (
    select
        lower({{ clean_text('delivered.kpi_id') }}) as kpi_id,
        {{ clean_text('delivered.kpi_id') }} as kpi_id_raw,
        {{ regexp_replace_all(
            "lower(" ~ clean_text('delivered.benchmark_kind') ~ ")", '[\\s-]+', '_'
        ) }} as benchmark_kind,
        {{ clean_text('delivered.benchmark_kind') }} as benchmark_kind_raw,
        lower({{ clean_text('delivered.period_grain') }}) as period_grain,
        {{ clean_text('delivered.period_grain') }} as period_grain_raw,
        {{ shop_date('delivered.period_start_date') }} as period_start_date,
        {{ clean_text('delivered.period_start_date') }} as period_start_date_raw,
        {{ shop_number('delivered.value') }} as benchmark_value,
        {{ clean_text('delivered.source') }} as benchmark_source,
        {{ raw_row_values('delivered') }} as dq_raw_values,
        {{ dq_source_position('delivered') }}
    from delivered
),

-- A period is named by its grain and its first day: a month starts on the 1st, an ISO week
-- on a Monday, a year on 1 January.
keyed as {{ cte_hint() }} (
    select
        *,
        coalesce(
            cast(period_start_date as {{ dbt.type_string() }}), period_start_date_raw
        ) as period_key,
        case
            when period_start_date is null then true
            when period_grain = 'month' then extract(day from period_start_date) = 1
            when period_grain = 'week' then {{ iso_day_of_week("period_start_date") }} = 1
            when period_grain = 'year' then extract(doy from period_start_date) = 1
            else period_grain is not null
        end as is_period_start
    from typed
),

ranked as (
    {{ dq_ranked_by_key(
        ['keyed.kpi_id', 'keyed.benchmark_kind', 'keyed.period_grain', 'keyed.period_key'],
        'keyed'
    ) }}
),

checked as (
    select
        keyed.*,
        {{ dq_first_broken_rule([
            ('missing_key', 'keyed.kpi_id is null or keyed.benchmark_kind is null'),
            ('duplicate_key', dq_is_duplicate('keyed')),
            ('conflicting_duplicate', dq_is_later_row('keyed')),
            ('unparseable_timestamp', is_unparseable('keyed.period_start_date_raw', 'keyed.period_start_date')),
            ('invalid_value', "keyed.benchmark_kind not in ('industry', 'competitor', 'top_shop')"
                ~ " or keyed.benchmark_value is null or not keyed.is_period_start"
                ~ " or '|' || registry.grains || '|' not like '%|' || keyed.period_grain || '|%'"),
            ('unknown_kpi', 'registry.kpi_id is null'),
        ]) }} as dq_rule
    from ranked as keyed
    left join registry
        on keyed.kpi_id = registry.kpi_id
),

final as (
    select
        kpi_id,
        benchmark_kind,
        period_grain,
        period_start_date,
        benchmark_value,
        benchmark_source,
        dq_rule,
        dq_source_file,
        dq_source_line,
        {{ dq_row_key([
            'kpi_id_raw', 'benchmark_kind_raw', 'period_grain_raw', 'period_start_date_raw'
        ]) }} as dq_row_key,
        -- Raw values are kept only for quarantined rows: clean rows live on in staging.
        case
            when dq_rule is not null then {{ raw_values_text('dq_raw_values') }}
        end as dq_raw_values
    from checked
)

select * from final
