{#- The advertising ratios of a row that has impressions, clicks, spend_cny and the
    attributed net revenue and gross margin: click-through rate, cost per click, ROI (net
    revenue / spend) and margin ROI (gross margin / spend). Pool them over rows by summing
    the parts, never by averaging the ratios. -#}
{% macro ad_ratios(relation_alias) -%}
    {{ safe_divide(relation_alias ~ '.clicks', relation_alias ~ '.impressions') }}
        as click_through_rate,
    {{ safe_divide(relation_alias ~ '.spend_cny', relation_alias ~ '.clicks') }}
        as cost_per_click_cny,
    {{ safe_divide(
        relation_alias ~ '.attributed_net_revenue_cny', relation_alias ~ '.spend_cny'
    ) }} as roi,
    {{ safe_divide(
        relation_alias ~ '.attributed_gross_margin_cny', relation_alias ~ '.spend_cny'
    ) }} as margin_roi
{%- endmacro %}
