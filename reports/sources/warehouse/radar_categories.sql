-- The category sales radar 商品銷售雷達圖: each product category on five axes (GMV, gross
-- margin rate, GMV growth on the same period last year, refund rate, conversion), its value
-- and its score from 0 to 100 as a share of the period's best category, by month, quarter
-- and year. Category and axis named in both languages. One row per grain, period, category
-- and axis.
select
    r.period_grain,
    r.period_start_date,
    r.period_end_date,
    case r.period_grain
        when 'year' then strftime(r.period_start_date, '%Y')
        when 'quarter'
            then strftime(r.period_start_date, '%Y') || '-Q'
            || cast(quarter(r.period_start_date) as varchar)
        else strftime(r.period_start_date, '%Y-%m')
    end as period_label,
    r.category,
    c.display_order as category_order,
    c.name_en as category_name_en,
    c.name_zh as category_name_zh,
    r.axis,
    r.axis_order,
    r.axis_name_en,
    r.axis_name_zh,
    r.direction,
    r.raw_value,
    r.best_value,
    r.axis_score,
    r.axis_rank,
    r.categories_compared,
    r.is_complete_period,
    r.is_provisional
from metrics.kpi_category_radar as r
left join reference.code_labels as c
    on c.label_kind = 'product_category' and r.category = c.code
order by r.period_grain, r.period_start_date, c.display_order, r.axis_order
