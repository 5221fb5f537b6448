-- In every attribution model, each paid order's weights sum to exactly 1 and its attributed net
-- revenue, GMV and margin sum to the order's own: attributed revenue over all channels
-- equals the net revenue of paid orders.

with

orders as (
    select * from {{ ref('fct_orders') }}
),

attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

models as (
    select distinct attribution.attribution_model
    from attribution
),

credited as (
    select
        attribution.attribution_model,
        attribution.order_id,
        sum(attribution.weight) as weight,
        sum(attribution.attributed_net_revenue_cny) as net_revenue_cny,
        sum(attribution.attributed_gmv_cny) as gmv_cny,
        sum(attribution.attributed_gross_margin_cny) as gross_margin_cny
    from attribution
    group by attribution.attribution_model, attribution.order_id
),

expected as (
    select
        models.attribution_model,
        orders.order_id,
        orders.net_revenue_cny,
        orders.gmv_cny,
        orders.gross_margin_cny
    from orders
    cross join models
    where orders.is_paid
)

select
    expected.attribution_model,
    expected.order_id,
    credited.weight,
    expected.net_revenue_cny,
    credited.net_revenue_cny as credited_net_revenue_cny
from expected
left join credited
    on
        expected.attribution_model = credited.attribution_model
        and expected.order_id = credited.order_id
where
    credited.order_id is null
    or credited.weight <> 1
    or credited.net_revenue_cny <> expected.net_revenue_cny
    or credited.gmv_cny <> expected.gmv_cny
    or credited.gross_margin_cny <> expected.gross_margin_cny
