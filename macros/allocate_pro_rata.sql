{#- Split a total over rows pro rata to `share`, to `scale` decimals (2: the cent): every row
    but the last gets its rounded share, the last row (rank_from_last = 1) gets the remainder,
    so the parts always add up to the total exactly. `partition_by` names the group the total
    belongs to. -#}
{% macro allocate_pro_rata(total, share, rank_from_last, partition_by, scale=2) -%}
    case
        when {{ rank_from_last }} = 1
            then {{ total }} - coalesce(sum(
                case
                    when {{ rank_from_last }} > 1
                        then cast(round({{ total }} * {{ share }}, {{ scale }}) as decimal(18, {{ scale }}))
                end
            ) over (partition by {{ partition_by }}), 0)
        else cast(round({{ total }} * {{ share }}, {{ scale }}) as decimal(18, {{ scale }}))
    end
{%- endmacro %}
