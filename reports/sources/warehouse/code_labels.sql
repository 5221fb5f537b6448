-- English and Chinese names of the codes the marts write (status, device, funnel step,
-- attribution model, campaign phase, ...). One row per kind and code.
select
    label_kind,
    code,
    display_order,
    name_en,
    name_zh
from reference.code_labels
order by label_kind, display_order
