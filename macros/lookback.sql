{#- True when a touch at touch_at falls in the attribution lookback window of an event at
    event_at: at most var attribution_lookback_days before it and at most after_hours after
    it (0: not after it). -#}
{% macro is_within_lookback(touch_at, event_at, after_hours=0) -%}
    {{ touch_at }} >= {{ dbt.dateadd('day', -1 * var('attribution_lookback_days'), event_at) }}
    and {{ touch_at }} <= {% if after_hours -%}
        {{ dbt.dateadd('hour', after_hours, event_at) }}
    {%- else -%}
        {{ event_at }}
    {%- endif %}
{%- endmacro %}
