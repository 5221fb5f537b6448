{#- Written from src/shopkpi/contract.py by `make contract`; do not edit by hand. -#}

{#- Staging's data-quality rules in priority order (RULES in the contract; seed
    dq_rules holds the same with priorities and descriptions). A row is quarantined
    under the first rule it breaks (dq_first_broken_rule, macros/data_quality.sql). -#}
{% macro dq_rules_in_priority() -%}
    {{ return([
        'missing_key',
        'duplicate_key',
        'conflicting_duplicate',
        'unparseable_timestamp',
        'future_timestamp',
        'negative_amount',
        'implausible_value',
        'invalid_value',
        'unknown_channel',
        'unknown_kpi',
        'orphan_reference',
        'parent_quarantined',
    ]) }}
{%- endmacro %}
