-- The report site's English description of each data-quality rule (code_labels, kind
-- dq_rule_description) is the contract's own (dq_rules, written by `make contract`): a row
-- returned here is a rule whose two descriptions differ, or a rule one of them lacks.

with

labels as (
    select
        code as dq_rule,
        name_en as description
    from {{ ref('code_labels') }}
    where label_kind = 'dq_rule_description'
),

rules as (
    select
        dq_rule,
        description
    from {{ ref('dq_rules') }}
),

final as (
    select
        coalesce(labels.dq_rule, rules.dq_rule) as dq_rule,
        labels.description as label_description,
        rules.description as contract_description
    from labels
    full outer join rules
        on labels.dq_rule = rules.dq_rule
    where labels.description is distinct from rules.description
)

select * from final
