{#-
    The columns of one alert-rule evaluation (models/metrics/alerts/int_kpi_alerts_*): one
    row per rule x slice x period judged. rule_id is the rule's code; every other argument
    is a SQL expression. A period is judged when the rule has no minimum volume or
    its volume reaches it (has_enough_volume); it fires when it is judged and the condition
    (the mart's flag, or the value against the threshold) holds. severity, when not null,
    overrides the rule's for the row; detail is a short note for the reader.
-#}
{% macro kpi_alert_evaluation(
    rule_id, kpi_id, slice_kind, slice_value, period_grain, period_start_at, period_end_at,
    value, threshold, is_condition_met, reference_value='null', volume='null',
    min_volume='null', severity='null', detail='null'
) -%}
    cast('{{ rule_id }}' as {{ dbt.type_string() }}) as rule_id,
    cast({{ kpi_id }} as {{ dbt.type_string() }}) as kpi_id,
    cast({{ slice_kind }} as {{ dbt.type_string() }}) as slice_kind,
    cast({{ slice_value }} as {{ dbt.type_string() }}) as slice_value,
    cast({{ period_grain }} as {{ dbt.type_string() }}) as period_grain,
    cast({{ period_start_at }} as timestamp) as period_start_at,
    cast({{ period_end_at }} as timestamp) as period_end_at,
    cast({{ value }} as double) as value,
    cast({{ threshold }} as double) as threshold,
    cast({{ reference_value }} as double) as reference_value,
    cast({{ volume }} as double) as volume,
    cast({{ min_volume }} as double) as min_volume,
    coalesce({{ min_volume }} is null or {{ volume }} >= {{ min_volume }}, false)
        as has_enough_volume,
    coalesce({{ is_condition_met }}, false)
    and coalesce({{ min_volume }} is null or {{ volume }} >= {{ min_volume }}, false)
        as is_firing,
    cast({{ severity }} as {{ dbt.type_string() }}) as severity,
    cast({{ detail }} as {{ dbt.type_string() }}) as detail
{%- endmacro %}

{#-
    The change of a KPI on its previous period, as a rule with threshold_basis `points`
    (current - previous) or `relative` (current / previous - 1) compares it; `direction`
    'fall' turns it round, so a drop is a positive number. `rules` names the rule's row.
-#}
{% macro kpi_alert_change(current, previous, rules, direction='rise') -%}
    {%- set sign = '-1' if direction == 'fall' else '1' -%}
    {{ sign }} * case {{ rules }}.threshold_basis
        when 'points' then {{ current }} - {{ previous }}
        when 'relative' then {{ current }} / nullif({{ previous }}, 0) - 1
    end
{%- endmacro %}

{#-
    The value against the threshold the way the rule's row (`rules`, with column comparison)
    says: above or below. Null when either is null.
-#}
{% macro kpi_alert_compare(value, threshold, rules) -%}
    case {{ rules }}.comparison
        when 'above' then {{ value }} > {{ threshold }}
        when 'below' then {{ value }} < {{ threshold }}
    end
{%- endmacro %}

{#-
    The rows of kpi_values a rule on a KPI's change judges (`kpi_values` and `rules` name
    relations): the rule's KPI at its grain and slices (rules.period_grain; rules.slice_kind,
    several joined by '|'), complete periods only, each beside the complete period of the
    same grain that ends the day before it starts, with both periods' values and the smaller
    of their denominators (a change measured on few sessions is sampling noise), and the
    rule's settings.
-#}
{% macro kpi_alert_period_changes(kpi_values, rules, rule_id) -%}
    select
        this_period.kpi_id,
        this_period.period_grain,
        this_period.period_start_date,
        this_period.period_end_date,
        this_period.slice_kind,
        this_period.slice_value,
        this_period.kpi_value,
        previous_period.kpi_value as previous_value,
        least(this_period.denominator, previous_period.denominator) as volume,
        rule_settings.comparison,
        rule_settings.threshold_basis,
        rule_settings.threshold,
        rule_settings.min_volume
    from {{ kpi_values }} as this_period
    inner join {{ rules }} as rule_settings
        on
            this_period.kpi_id = rule_settings.kpi_id
            and this_period.period_grain = rule_settings.period_grain
            and {{ delimited_list_contains('rule_settings.slice_kind', '|', 'this_period.slice_kind') }}
    inner join {{ kpi_values }} as previous_period
        on
            this_period.kpi_id = previous_period.kpi_id
            and this_period.period_grain = previous_period.period_grain
            and this_period.slice_kind = previous_period.slice_kind
            and this_period.slice_value = previous_period.slice_value
            and previous_period.period_end_date
            = {{ dbt.dateadd('day', -1, 'this_period.period_start_date') }}
    where
        rule_settings.rule_id = '{{ rule_id }}'
        and this_period.is_complete_period
        and previous_period.is_complete_period
{%- endmacro %}
