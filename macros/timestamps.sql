{#- Parse a raw timestamp text into shop wall-clock time (a timestamp without time zone).
    A value carrying an offset (2025-06-18T10:23:45+08:00, ...Z) is converted to the shop's
    time zone; a value without one is taken as shop time already. Unparseable -> null. -#}
{% macro shop_timestamp(column) -%}
    {{ return(adapter.dispatch('shop_timestamp', 'shopkpi')(column)) }}
{%- endmacro %}

{% macro default__shop_timestamp(column) -%}
    case
        when regexp_matches(
            trim({{ column }}), '\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$'
        )
            then timezone('{{ var("shop_timezone") }}', try_cast(trim({{ column }}) as timestamptz))
        else try_cast(trim({{ column }}) as timestamp)
    end
{%- endmacro %}

{% macro spark__shop_timestamp(column) -%}
    case
        when trim({{ column }}) rlike '\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?\\s*(Z|[+-]\\d{2}(:?\\d{2})?)$'
            then from_utc_timestamp(to_timestamp(trim({{ column }})), '{{ var("shop_timezone") }}')
        else to_timestamp(trim({{ column }}))
    end
{%- endmacro %}

{#- Parse a raw date text (YYYY-MM-DD). Unparseable -> null. -#}
{% macro shop_date(column) -%}
    {{ return(adapter.dispatch('shop_date', 'shopkpi')(column)) }}
{%- endmacro %}

{% macro default__shop_date(column) -%}
    try_cast(trim({{ column }}) as date)
{%- endmacro %}

{% macro spark__shop_date(column) -%}
    to_date(trim({{ column }}))
{%- endmacro %}

{#- True when the raw text is present but did not parse. -#}
{% macro is_unparseable(raw_column, parsed_expression) -%}
    (nullif(trim({{ raw_column }}), '') is not null and {{ parsed_expression }} is null)
{%- endmacro %}

{#- The reference time of the run, in shop time: var dq_reference_time, or now. -#}
{% macro dq_reference_time() -%}
    {%- if var('dq_reference_time', '') -%}
        cast('{{ var("dq_reference_time") }}' as timestamp)
    {%- else -%}
        {{ return(adapter.dispatch('shop_now', 'shopkpi')()) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__shop_now() -%}
    timezone('{{ var("shop_timezone") }}', current_timestamp)
{%- endmacro %}

{% macro spark__shop_now() -%}
    from_utc_timestamp(current_timestamp(), '{{ var("shop_timezone") }}')
{%- endmacro %}

{#- Fractional days between two timestamps (minute precision: the minute boundaries crossed,
    as DuckDB's date_diff counts them); null if either is null. -#}
{% macro days_between(start_timestamp, end_timestamp) -%}
    {{ return(adapter.dispatch('days_between', 'shopkpi')(start_timestamp, end_timestamp)) }}
{%- endmacro %}

{% macro default__days_between(start_timestamp, end_timestamp) -%}
    ({{ dbt.datediff(start_timestamp, end_timestamp, 'minute') }} / 1440.0)
{%- endmacro %}

{#- dbt-spark's datediff rounds the seconds between up to whole minutes (12:00:59 to 12:01:00
    is 1 minute, and 12:00:00 to 12:00:30 too); counting boundaries gives DuckDB's figure. -#}
{% macro spark__days_between(start_timestamp, end_timestamp) -%}
    (cast(
        floor(to_unix_timestamp({{ end_timestamp }}) / 60)
        - floor(to_unix_timestamp({{ start_timestamp }}) / 60) as double
    ) / 1440)
{%- endmacro %}
