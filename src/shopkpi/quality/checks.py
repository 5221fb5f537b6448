"""What the data-quality gate checks, declared once.

Raw suites are generated from the contract (``shopkpi.contract``: columns, types, keys) and
the per-table rules below, which mirror the staging quarantine rules: every raw expectation
carries in ``meta.dq_rule`` the staging rule that quarantines the same rows, so a failing
expectation reads as "this many rows will be / were quarantined under rule X".

Mart suites are a declarative list (``MART_CHECKS``): one entry per table or reconciliation
query. A new mart, KPI table or reconciliation is one more entry.

Severity: ``critical`` is an error (the gate fails), ``warning`` is reported but does not
fail the gate (see DECISIONLOG.md "Data-quality gate").

How the raw suites mirror staging where a plain expectation cannot:

* **Duplicates** are judged per key in file order (``_source_file``, ``_source_line``), as
  staging does: the first row of a key is kept and never fails; a later row fails
  ``row__duplicate_of`` (rule duplicate_key) when it repeats the first row's values exactly
  (every stored column but the lineage ones), else ``row__conflicts_with`` (rule
  conflicting_duplicate). Both columns hold the first row's ``file:line``, so a failing
  sample names the bad row and the row it repeats. Keys are compared as staging compares
  them (blanks trimmed, channel codes lower-cased; nulls of a nullable key part group
  together); a row with an empty key part is left to missing_key.
* **Plausibility bounds** (rule implausible_value) are the suite parameters
  ``plausible_max_amount_cny`` and ``plausible_max_quantity``: the dbt vars of those names
  when the environment variable ``SHOPKPI_DBT_VARS`` (JSON or YAML, the ``--vars`` of
  ``shopkpi build``, which sets it) gives them, else the contract's defaults
  (``PLAUSIBLE_MAX_AMOUNT_CNY``, ``PLAUSIBLE_MAX_QUANTITY``). The same variable's
  ``dq_reference_time`` is the reference time of the future_timestamp expectations when the
  run is given none.
* **Failing rows** are shown by key and by where they are: ``at orders.csv:5197`` (the raw
  table's lineage columns are the suites' index columns besides the key).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shopkpi.contract import (
    BIGINT,
    BOOL,
    INT,
    MONEY,
    PLAUSIBILITY_COLUMNS,
    SOURCE_FILE,
    SOURCE_LINE,
    TABLES,
    TEXT,
)

ERROR = "critical"
WARNING = "warning"

# Suite parameters filled in at run time, so the committed suites never hold a date or a
# list that changes between runs.
REFERENCE_TIME = "reference_time"  # shop wall-clock time of the run (or var dq_reference_time)
REFERENCE_DATE = "reference_date"  # midnight of that day: a date after it is in the future
REFERENCE_YEAR = "reference_year"
CHANNELS = "channels"  # channel codes of reference.channels
# Plausibility bounds: the dbt vars of the same names (see the module docstring).
MAX_AMOUNT = "plausible_max_amount_cny"
MAX_QUANTITY = "plausible_max_quantity"
PLAUSIBILITY_PARAMETERS = {"amount": MAX_AMOUNT, "quantity": MAX_QUANTITY}

# Computed columns of a raw suite's dataframe: the file:line of the first row of the same key,
# on a later row that repeats it exactly (duplicate_key) or differs from it
# (conflicting_duplicate).
DUPLICATE_OF = "row__duplicate_of"
CONFLICTS_WITH = "row__conflicts_with"

# How DuckDB hands each contract type to pandas (DuckDB -> dataframe -> GX): decimals arrive
# as float64, text as pandas' str dtype, nullable integers as Int32/Int64 (GX's type check
# accepts both spellings of the integer width).
PANDAS_DTYPE = {TEXT: "str", INT: "int32", BIGINT: "int64", MONEY: "float64", BOOL: "bool"}


@dataclass(frozen=True)
class Expect:
    """One expectation: its GX type, arguments, severity and the rule it mirrors."""

    type: str
    kwargs: dict
    severity: str = ERROR
    dq_rule: str | None = None
    notes: str | None = None


def expect(
    expectation_type: str,
    /,
    *,
    severity: str = ERROR,
    rule: str | None = None,
    notes=None,
    **kwargs,
) -> Expect:
    return Expect(expectation_type, kwargs, severity, rule, notes)


# --------------------------------------------------------------------------- raw tables


@dataclass(frozen=True)
class Timestamp:
    """A text timestamp (or date) column of the raw layer."""

    column: str
    required: bool = False  # an empty value is a broken row (staging: unparseable_timestamp)
    future: bool = True  # a value after the run's reference time is a broken row
    is_date: bool = False  # YYYY-MM-DD rather than a timestamp

    @property
    def parsed(self) -> str:
        return f"{self.column}__parsed"


@dataclass(frozen=True)
class Reference:
    """column -> parent table's key column; the orphan column holds values with no parent."""

    column: str
    parent: str
    parent_column: str

    @property
    def orphan(self) -> str:
        return f"{self.column}__orphan"


@dataclass(frozen=True)
class RawRules:
    """A raw table's business rules beyond its contract columns, types and key."""

    nullable_key: tuple[str, ...] = ()  # key columns that may be null (always-on ad spend)
    required: tuple[str, ...] = ()  # non-key columns that must be present (missing_key)
    timestamps: tuple[Timestamp, ...] = ()
    non_negative: tuple[str, ...] = ()  # besides every money column
    channel_columns: tuple[str, ...] = ()
    invalid: tuple[Expect, ...] = ()  # invalid_value rules, in GX terms
    references: tuple[Reference, ...] = ()


PAID_STATUSES = ["paid", "shipped", "delivered", "refunded"]
ORDER_STATUSES = ["created", "paid", "shipped", "delivered", "cancelled", "refunded"]
EVENT_TYPES = [
    "impression",
    "click",
    "page_view",
    "product_view",
    "add_to_cart",
    "checkout",
    "payment",
]


def _invalid(expectation_type: str, **kwargs) -> Expect:
    return expect(expectation_type, rule="invalid_value", **kwargs)


def _ordered(earlier: str, later: str, strictly: bool = False) -> Expect:
    return _invalid(
        "expect_column_pair_values_a_to_be_greater_than_b",
        column_A=f"{later}__parsed",
        column_B=f"{earlier}__parsed",
        or_equal=not strictly,
        ignore_row_if="either_value_is_missing",
    )


RAW_RULES: dict[str, RawRules] = {
    "customers": RawRules(
        timestamps=(Timestamp("registered_at"),),
        invalid=(
            _invalid(
                "expect_column_values_to_be_between",
                column="birth_year",
                min_value=1900,
                max_value={"$PARAMETER": REFERENCE_YEAR},
            ),
        ),
    ),
    "products": RawRules(timestamps=(Timestamp("launched_at"),)),
    "orders": RawRules(
        required=("customer_id",),
        timestamps=(
            Timestamp("ordered_at", required=True),
            Timestamp("paid_at"),
            Timestamp("shipped_at"),
            Timestamp("delivered_at"),
        ),
        invalid=(
            _invalid(
                "expect_column_values_to_be_in_set", column="status", value_set=ORDER_STATUSES
            ),
            _invalid(
                "expect_column_values_to_not_be_null",
                column="paid_at",
                row_condition={
                    "type": "comparison",
                    "column": {"name": "status"},
                    "operator": "IN",
                    "parameter": PAID_STATUSES,
                },
                notes="An order paid, shipped, delivered or refunded has a payment time.",
            ),
        ),
        references=(Reference("customer_id", "customers", "customer_id"),),
    ),
    "order_items": RawRules(
        required=("product_id",),
        non_negative=("quantity",),
        invalid=(
            _invalid("expect_column_values_to_not_be_in_set", column="quantity", value_set=[0]),
            _invalid("expect_column_values_to_not_be_null", column="quantity"),
            _invalid("expect_column_values_to_not_be_null", column="unit_price"),
        ),
        references=(
            Reference("order_id", "orders", "order_id"),
            Reference("product_id", "products", "product_id"),
        ),
    ),
    "refunds": RawRules(
        required=("order_id",),
        timestamps=(Timestamp("refunded_at", required=True),),
        invalid=(_invalid("expect_column_values_to_not_be_null", column="refund_amount"),),
        references=(
            Reference("order_id", "orders", "order_id"),
            Reference("product_id", "products", "product_id"),
        ),
    ),
    "sessions": RawRules(
        required=("visitor_id", "channel"),
        timestamps=(Timestamp("started_at", required=True),),
        non_negative=("page_load_ms",),
        channel_columns=("channel",),
        references=(
            Reference("customer_id", "customers", "customer_id"),
            Reference("campaign_id", "campaigns", "campaign_id"),
        ),
    ),
    "events": RawRules(
        required=("session_id",),
        timestamps=(Timestamp("occurred_at", required=True),),
        non_negative=("dwell_ms",),
        invalid=(
            _invalid(
                "expect_column_values_to_be_in_set", column="event_type", value_set=EVENT_TYPES
            ),
            _invalid("expect_column_values_to_not_be_null", column="event_type"),
        ),
        references=(
            Reference("session_id", "sessions", "session_id"),
            Reference("product_id", "products", "product_id"),
        ),
    ),
    "campaigns": RawRules(
        required=("channel",),
        # Campaigns are planned ahead: a phase in the future is normal.
        timestamps=tuple(
            Timestamp(c, future=False)
            for c in ("warmup_starts_at", "burst_starts_at", "tail_starts_at", "ends_at")
        ),
        channel_columns=("channel",),
        invalid=(
            _invalid("expect_column_values_to_not_be_null", column="warmup_starts_at__parsed"),
            _invalid("expect_column_values_to_not_be_null", column="ends_at__parsed"),
            _ordered("warmup_starts_at", "burst_starts_at"),
            _ordered("burst_starts_at", "tail_starts_at"),
            _ordered("tail_starts_at", "ends_at"),
            _ordered("warmup_starts_at", "ends_at", strictly=True),
        ),
    ),
    "ad_spend": RawRules(
        nullable_key=("campaign_id",),
        timestamps=(Timestamp("spend_date", required=True, is_date=True),),
        non_negative=("impressions", "clicks"),
        channel_columns=("channel",),
        invalid=(
            _invalid(
                "expect_column_pair_values_a_to_be_greater_than_b",
                column_A="impressions",
                column_B="clicks",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
        ),
        references=(Reference("campaign_id", "campaigns", "campaign_id"),),
    ),
    "marketing_budgets": RawRules(
        # Budgets are planned ahead: a month in the future is normal.
        timestamps=(Timestamp("budget_month", required=True, future=False, is_date=True),),
        channel_columns=("channel",),
        invalid=(
            _invalid("expect_column_values_to_not_be_null", column="budget"),
            _invalid(
                "expect_column_values_to_match_regex",
                column="budget_month",
                regex=r"^\s*\d{4}-\d{2}-01\s*$",
                notes="A budget month is given by its first day.",
            ),
        ),
    ),
    "reviews": RawRules(
        required=("order_id", "product_id"),
        timestamps=(Timestamp("reviewed_at", required=True),),
        invalid=(
            _invalid("expect_column_values_to_not_be_null", column="rating"),
            _invalid(
                "expect_column_values_to_be_between", column="rating", min_value=1, max_value=5
            ),
        ),
        references=(
            Reference("order_id", "orders", "order_id"),
            Reference("product_id", "products", "product_id"),
        ),
    ),
    "inventory_snapshots": RawRules(
        timestamps=(Timestamp("snapshot_date", required=True, is_date=True),),
        non_negative=("on_hand_qty", "safety_stock_qty"),
        invalid=(_invalid("expect_column_values_to_not_be_null", column="on_hand_qty"),),
        references=(Reference("product_id", "products", "product_id"),),
    ),
}


def raw_expectations(table_name: str) -> list[Expect]:
    """The raw suite of one contract table, in a fixed order."""
    table = TABLES[table_name]
    # A contract table without rules of its own still gets its columns, types, key and
    # non-negative money checked.
    rules = RAW_RULES.get(table_name, RawRules())
    out: list[Expect] = []
    if table.required:
        out.append(
            expect(
                "expect_table_row_count_to_be_between",
                severity=WARNING,
                min_value=1,
                notes="A required contract table with no rows leaves every report empty.",
            )
        )
    out.append(
        expect(
            "expect_table_columns_to_match_set",
            rule="contract",
            column_set=table.column_names,
            exact_match=False,
        )
    )
    out += [
        expect(
            "expect_column_values_to_be_of_type",
            rule="contract",
            column=c.name,
            type_=PANDAS_DTYPE[c.type],
        )
        for c in table.columns
    ]
    not_null = [c for c in table.key if c not in rules.nullable_key] + list(rules.required)
    out += [
        expect("expect_column_values_to_not_be_null", rule="missing_key", column=c)
        for c in not_null
    ]
    key = ", ".join(table.key)
    out += [
        expect(
            "expect_column_values_to_be_null",
            rule="duplicate_key",
            column=DUPLICATE_OF,
            notes=f"No row repeats an earlier row of its key ({key}) exactly; the column holds"
            " the file:line of that earlier row, which staging keeps.",
        ),
        expect(
            "expect_column_values_to_be_null",
            rule="conflicting_duplicate",
            column=CONFLICTS_WITH,
            notes=f"No row has the key ({key}) of an earlier row with other values; the column"
            " holds the file:line of that earlier row, which staging keeps.",
        ),
    ]
    for ts in rules.timestamps:
        if ts.required:
            out.append(
                expect(
                    "expect_column_values_to_not_be_null",
                    rule="unparseable_timestamp",
                    column=ts.parsed,
                    notes=f"{ts.column} is present and parses as a shop time.",
                )
            )
        else:
            out.append(
                expect(
                    "expect_column_values_to_not_be_null",
                    rule="unparseable_timestamp",
                    column=ts.parsed,
                    row_condition={
                        "type": "nullity",
                        "column": {"name": ts.column},
                        "is_null": False,
                    },
                    notes=f"Where {ts.column} is given, it parses as a shop time.",
                )
            )
        if ts.future:
            bound = REFERENCE_DATE if ts.is_date else REFERENCE_TIME
            out.append(
                expect(
                    "expect_column_values_to_be_between",
                    rule="future_timestamp",
                    column=ts.parsed,
                    max_value={"$PARAMETER": bound},
                )
            )
    money = [c.name for c in table.columns if c.type == MONEY]
    out += [
        expect("expect_column_values_to_be_between", rule="negative_amount", column=c, min_value=0)
        for c in money + list(rules.non_negative)
    ]
    out += [
        expect(
            "expect_column_values_to_be_between",
            rule="implausible_value",
            column=column,
            max_value={"$PARAMETER": PLAUSIBILITY_PARAMETERS[kind]},
            notes=f"At most dbt var {PLAUSIBILITY_PARAMETERS[kind]}: a larger {kind} is an"
            " outlier to check at the source.",
        )
        for column, kind in PLAUSIBILITY_COLUMNS.get(table_name, ())
    ]
    out += list(rules.invalid)
    out += [
        expect(
            "expect_column_values_to_be_in_set",
            rule="unknown_channel",
            column=c,
            value_set={"$PARAMETER": CHANNELS},
            notes="Channel codes are those of seeds/reference/channels.csv.",
        )
        for c in rules.channel_columns
    ]
    out += [
        expect(
            "expect_column_values_to_be_null",
            rule="orphan_reference",
            column=ref.orphan,
            notes=f"Every {ref.column} is a {ref.parent_column} of raw {ref.parent}.",
        )
        for ref in rules.references
    ]
    return out


def _cleaned(table_name: str, alias: str) -> dict[str, str]:
    """Column -> SQL of the value staging reads from it, for the text columns staging cleans
    before it compares them: keys, required columns, references (blanks trimmed, empty text
    as null) and channel codes (also lower-cased)."""
    table = TABLES[table_name]
    rules = RAW_RULES.get(table_name, RawRules())
    names = [*table.key, *rules.required, *rules.channel_columns]
    names += [ref.column for ref in rules.references]
    out = {}
    for name in dict.fromkeys(names):
        if table.column(name).type != TEXT:
            continue
        value = f"nullif(trim({alias}.{name}), '')"
        out[name] = f"lower({value})" if name in rules.channel_columns else value
    return out


def raw_query(table_name: str, shop_timezone: str) -> str:
    """The dataframe a raw suite validates: the raw row plus parsed times, orphan values and
    the position of the earlier row a duplicate repeats, in file order.

    Keys, required columns, references and channel codes are compared as staging compares
    them (trimmed, empty as null, channel codes lower-cased). Timestamps are parsed the way
    staging parses them (macro shop_timestamp): a value with an offset is converted to shop
    time, one without is taken as shop time. A reference's orphan column holds the value when
    no parent row has it (a DuckDB join is far faster than a value-set expectation over every
    key). Duplicates are found as staging finds them (macros dq_is_duplicate,
    dq_is_later_row): rows of a key in file order, the first kept, a later one an exact
    duplicate when all its stored values but the lineage ones equal the first row's.
    """
    table = TABLES[table_name]
    rules = RAW_RULES.get(table_name, RawRules())
    cleaned = _cleaned(table_name, "r")
    replace = ", ".join(f"{expr} as {name}" for name, expr in cleaned.items())
    compared = [name for name, _ in table.stored_columns if name not in (SOURCE_FILE, SOURCE_LINE)]
    values = "{" + ", ".join(f"'{name}': r.{name}" for name in compared) + "}"
    source = (
        f"select r.*{f' replace ({replace})' if replace else ''},"
        f" cast(to_json({values}) as varchar) as row__values,"
        f" coalesce(r.{SOURCE_FILE} || ':' || r.{SOURCE_LINE}, 'an earlier row')"
        " as row__position"
        f" from raw.{table_name} as r"
    )

    columns = ["t.* exclude (row__values, row__position)"]
    for ts in rules.timestamps:
        text = f"trim(t.{ts.column})"
        if ts.is_date:
            parsed = f"cast(try_cast({text} as date) as timestamp)"
        else:
            parsed = (
                f"case when regexp_matches({text}, "
                r"'\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$') "
                f"then timezone('{shop_timezone}', try_cast({text} as timestamptz)) "
                f"else try_cast({text} as timestamp) end"
            )
        columns.append(f"{parsed} as {ts.parsed}")

    # A row with an empty key part or required column is quarantined as missing_key first.
    not_null = [c for c in table.key if c not in rules.nullable_key] + list(rules.required)
    missing = " or ".join(f"t.{c} is null" for c in not_null) or "false"
    later = f"not ({missing}) and row_number() over key_order > 1"
    same = "t.row__values = first_value(t.row__values) over key_order"
    first = "first_value(t.row__position) over key_order"
    columns.append(f"case when {later} and {same} then {first} end as {DUPLICATE_OF}")
    columns.append(f"case when {later} and not ({same}) then {first} end as {CONFLICTS_WITH}")

    joins = []
    for n, ref in enumerate(rules.references):
        alias = f"p{n}"
        parent_key = _cleaned(ref.parent, ref.parent).get(
            ref.parent_column, f"{ref.parent}.{ref.parent_column}"
        )
        joins.append(
            f"left join (select distinct {parent_key} as parent_key from raw.{ref.parent}"
            f" where {parent_key} is not null) as {alias}"
            f" on t.{ref.column} = {alias}.parent_key"
        )
        columns.append(
            f"case when t.{ref.column} is not null and {alias}.parent_key is null"
            f" then t.{ref.column} end as {ref.orphan}"
        )
    partition = ", ".join(f"t.{c}" for c in table.key)
    window = (
        f"key_order as (partition by {partition}"
        f" order by t.{SOURCE_FILE}, t.{SOURCE_LINE}, t.row__values)"
    )
    order = ", ".join(f"t.{c}" for c in [SOURCE_FILE, SOURCE_LINE, *table.column_names])
    return (
        f"with t as ({source}) select {', '.join(columns)} from t {' '.join(joins)}"
        f" window {window} order by {order}"
    )


# --------------------------------------------------------------------------- marts


@dataclass(frozen=True)
class MartCheck:
    """A suite over a mart table, or over a reconciliation query's result.

    ``table`` names what is checked in messages and in the results table; ``sql`` (default:
    the whole table) gives the dataframe; ``key`` names the columns shown for failing rows.
    """

    name: str
    table: str
    key: tuple[str, ...]
    expectations: tuple[Expect, ...]
    sql: str | None = None
    kind: str = "mart"
    description: str = ""

    def query(self) -> str:
        return self.sql or f"select * from {self.table} order by {', '.join(self.key)}"


def _between_0_and_1(*columns: str, severity: str = ERROR) -> tuple[Expect, ...]:
    return tuple(
        expect(
            "expect_column_values_to_be_between",
            severity=severity,
            column=c,
            min_value=0,
            max_value=1,
        )
        for c in columns
    )


def _non_negative(*columns: str) -> tuple[Expect, ...]:
    return tuple(
        expect("expect_column_values_to_be_between", column=c, min_value=0) for c in columns
    )


def _key(*columns: str) -> tuple[Expect, ...]:
    out = [expect("expect_column_values_to_not_be_null", column=c) for c in columns]
    if len(columns) == 1:
        out.append(expect("expect_column_values_to_be_unique", column=columns[0]))
    else:
        out.append(expect("expect_compound_columns_to_be_unique", column_list=list(columns)))
    return tuple(out)


def _rows_at_least(n: int) -> tuple[Expect, ...]:
    return (
        expect(
            "expect_table_row_count_to_be_between",
            severity=WARNING,
            min_value=n,
            notes="An empty table usually means the shop delivered no data for it.",
        ),
    )


def _monotone(*columns: str) -> tuple[Expect, ...]:
    return tuple(
        expect(
            "expect_column_pair_values_a_to_be_greater_than_b",
            column_A=upper,
            column_B=lower,
            or_equal=True,
        )
        for upper, lower in zip(columns, columns[1:], strict=False)
    )


def _zero(*columns: str) -> tuple[Expect, ...]:
    return tuple(
        expect("expect_column_values_to_be_between", column=c, min_value=0, max_value=0)
        for c in columns
    )


# Largest share of a raw table that may be quarantined before the scorecard warns.
QUARANTINE_WARN_SHARE = 0.05


def _reconciliation(
    name: str, description: str, key: tuple[str, ...], sql: str, *differences: str
) -> MartCheck:
    return MartCheck(
        name=f"reconcile_{name}",
        table=f"reconciliation.{name}",
        key=key,
        sql=sql,
        kind="reconciliation",
        description=description,
        expectations=(
            expect("expect_table_row_count_to_be_between", severity=WARNING, min_value=1),
            *_zero(*differences),
        ),
    )


PAID_ORDERS = "select * from marts.fct_orders where is_paid"

MART_CHECKS: tuple[MartCheck, ...] = (
    MartCheck(
        "mart_fct_orders",
        "marts.fct_orders",
        ("order_id",),
        (
            *_rows_at_least(1),
            *_key("order_id"),
            *_non_negative(
                "gross_item_revenue_cny",
                "discount_cny",
                "gmv_cny",
                "refund_cny",
                "cogs_cny",
                "shipping_fee_cny",
                "units",
            ),
            expect("expect_column_values_to_be_in_set", column="status", value_set=ORDER_STATUSES),
        ),
    ),
    MartCheck(
        "mart_fct_order_items",
        "marts.fct_order_items",
        ("order_item_id",),
        (
            *_key("order_item_id"),
            *_non_negative("quantity", "gmv_cny", "refund_cny", "cogs_cny"),
        ),
    ),
    MartCheck(
        "mart_fct_sessions",
        "marts.fct_sessions",
        ("session_id",),
        (*_rows_at_least(1), *_key("session_id"), *_non_negative("page_load_ms")),
    ),
    MartCheck(
        "mart_fct_ad_spend",
        "marts.fct_ad_spend",
        ("ad_spend_id",),
        (
            *_key("ad_spend_id"),
            *_non_negative("spend_cny", "impressions", "clicks"),
            *_between_0_and_1("click_through_rate"),
        ),
    ),
    MartCheck(
        "mart_fct_order_attribution",
        "marts.fct_order_attribution",
        ("order_attribution_id",),
        (
            *_key("order_attribution_id"),
            *_between_0_and_1("weight"),
            expect(
                "expect_column_values_to_be_in_set",
                column="attribution_model",
                value_set=["first_touch", "last_touch", "linear"],
            ),
        ),
    ),
    MartCheck(
        "mart_fct_channel_days",
        "marts.agg_channel_days",
        ("channel_day_id",),
        (
            *_key("channel_day_id"),
            *_non_negative("spend_cny", "sessions", "attributed_orders"),
            *_between_0_and_1("click_through_rate"),
            # Orders credited today can come from earlier sessions, so a day's conversion
            # above 1 is possible but suspicious.
            *_between_0_and_1("conversion_rate", severity=WARNING),
        ),
    ),
    MartCheck(
        "mart_fct_channel_months",
        "marts.agg_channel_months",
        ("channel_month_id",),
        (
            *_key("channel_month_id"),
            *_between_0_and_1("spend_share", "cap_share"),
            *_non_negative("spend_cny", "budget_used_share"),
        ),
    ),
    MartCheck(
        "mart_fct_funnel_days",
        "marts.agg_funnel_days",
        ("funnel_day_id",),
        (
            *_key("funnel_day_id"),
            # A session reaching a step counts at every earlier step: counts never increase.
            *_monotone(
                "sessions",
                "product_view_sessions",
                "add_to_cart_sessions",
                "checkout_sessions",
                "payment_sessions",
            ),
            *_between_0_and_1(
                "landing_to_product_view_rate",
                "product_view_to_cart_rate",
                "cart_to_checkout_rate",
                "checkout_to_payment_rate",
                "cart_to_payment_rate",
                "session_conversion_rate",
            ),
        ),
    ),
    MartCheck(
        "mart_fct_traffic_days",
        "marts.agg_traffic_days",
        ("date_day",),
        (
            *_rows_at_least(1),
            *_key("date_day"),
            *_between_0_and_1(
                "organic_share",
                "private_domain_share",
                "bounce_rate",
                "slow_page_load_share",
                "first_purchase_conversion_rate",
            ),
        ),
    ),
    MartCheck(
        "mart_fct_campaign_phases",
        "marts.agg_campaign_phases",
        ("campaign_phase_id",),
        (
            *_key("campaign_phase_id"),
            *_between_0_and_1("channel_conversion_rate", "post_campaign_repurchase_rate"),
        ),
    ),
    MartCheck(
        "mart_dq_scorecard",
        "marts.dq_scorecard",
        ("source_table",),
        (
            *_key("source_table"),
            *_between_0_and_1("quarantined_share"),
            expect(
                "expect_column_values_to_be_between",
                severity=WARNING,
                column="quarantined_share",
                max_value=QUARANTINE_WARN_SHARE,
                notes="More than 5% of a table's rows quarantined: look at the quarantine.",
            ),
        ),
        sql=(
            "select source_table, max(rows_received) as rows_received,"
            " max(rows_quarantined) as rows_quarantined,"
            " coalesce(max(rows_quarantined) / nullif(max(rows_received), 0), 0)"
            " as quarantined_share"
            " from marts.dq_scorecard group by source_table order by source_table"
        ),
        description="One row per raw table: share of its rows staging quarantined.",
    ),
    MartCheck(
        "mart_fct_budget_pacing_days",
        "marts.agg_budget_pacing_days",
        ("channel_day_id",),
        (
            *_key("channel_day_id"),
            *_non_negative("spend_cny", "month_to_date_spend_cny", "shop_month_to_date_spend_cny"),
            *_between_0_and_1("expected_pace_share"),
        ),
    ),
    MartCheck(
        "mart_fct_campaign_days",
        "marts.agg_campaign_days",
        ("campaign_day_id",),
        (*_key("campaign_day_id"), *_non_negative("spend_cny", "attributed_orders")),
    ),
    MartCheck(
        "mart_fct_landing_page_days",
        "marts.agg_landing_page_days",
        ("landing_page_day_id",),
        (
            *_key("landing_page_day_id"),
            *_monotone("sessions", "sessions_with_events", "bounced_sessions"),
            *_between_0_and_1("bounce_rate", "slow_load_share"),
        ),
    ),
    MartCheck(
        "mart_fct_channel_ltv_cac",
        "marts.agg_channel_ltv_cac",
        ("channel_month_id",),
        (*_key("channel_month_id"), *_non_negative("spend_cny", "attributed_new_customers")),
    ),
    MartCheck(
        "mart_fct_customer_rfm",
        "marts.snap_customer_rfm",
        ("customer_id",),
        (
            *_key("customer_id"),
            *(
                expect("expect_column_values_to_be_between", column=c, min_value=1, max_value=5)
                for c in ("r_score", "f_score", "m_score")
            ),
            expect("expect_column_values_to_not_be_null", column="segment_code"),
        ),
    ),
    MartCheck(
        "mart_fct_cohort_retention",
        "marts.agg_cohort_retention",
        ("cohort_retention_id",),
        (
            *_key("cohort_retention_id"),
            *_monotone("cohort_customers", "active_customers"),
            *_between_0_and_1("retention_rate"),
        ),
    ),
    MartCheck(
        "mart_fct_customer_ltv_predicted",
        "marts.snap_customer_ltv_predicted",
        ("customer_id",),
        (
            *_key("customer_id"),
            *_between_0_and_1("probability_alive"),
            *_non_negative("expected_purchases_365d", "predicted_net_revenue_365d_cny"),
        ),
    ),
    _reconciliation(
        "order_lines_to_orders",
        "One row per order: the order's GMV and net revenue minus the sum over its lines.",
        ("order_id",),
        """
        with lines as (
            select order_id, sum(gmv_cny) as gmv_cny, sum(net_revenue_cny) as net_revenue_cny
            from marts.fct_order_items group by order_id
        )
        select o.order_id,
            o.gmv_cny - coalesce(l.gmv_cny, 0) as gmv_difference_cny,
            o.net_revenue_cny - coalesce(l.net_revenue_cny, 0) as net_revenue_difference_cny
        from marts.fct_orders as o left join lines as l on o.order_id = l.order_id
        order by o.order_id
        """,
        "gmv_difference_cny",
        "net_revenue_difference_cny",
    ),
    _reconciliation(
        "attribution_to_orders",
        "One row per paid order x attribution model: net revenue minus the revenue credited.",
        ("order_id", "attribution_model"),
        f"""
        with orders as ({PAID_ORDERS}),
        models as (select distinct attribution_model from marts.fct_order_attribution),
        expected as (
            select orders.order_id, models.attribution_model, orders.net_revenue_cny
            from orders cross join models
        ),
        credited as (
            select order_id, attribution_model,
                sum(attributed_net_revenue_cny) as net_revenue_cny
            from marts.fct_order_attribution group by order_id, attribution_model
        )
        select coalesce(e.order_id, c.order_id) as order_id,
            coalesce(e.attribution_model, c.attribution_model) as attribution_model,
            coalesce(e.net_revenue_cny, 0) - coalesce(c.net_revenue_cny, 0)
                as net_revenue_difference_cny
        from expected as e full outer join credited as c
            on e.order_id = c.order_id and e.attribution_model = c.attribution_model
        order by 1, 2
        """,
        "net_revenue_difference_cny",
    ),
    _reconciliation(
        "channel_days_to_orders",
        "One row per paid date x attribution model: net revenue of fct_orders minus the"
        " attributed net revenue and spend of agg_channel_days against fct_ad_spend.",
        ("date_day", "attribution_model"),
        f"""
        with revenue as (
            select paid_date as date_day, sum(net_revenue_cny) as net_revenue_cny
            from ({PAID_ORDERS}) group by paid_date
        ),
        spend as (
            select spend_date as date_day, sum(spend_cny) as spend_cny
            from marts.fct_ad_spend group by spend_date
        ),
        channel_days as (
            select date_day, attribution_model,
                sum(attributed_net_revenue_cny) as net_revenue_cny, sum(spend_cny) as spend_cny
            from marts.agg_channel_days group by date_day, attribution_model
        ),
        models as (select distinct attribution_model from marts.agg_channel_days),
        days as (
            select date_day from revenue union select date_day from spend
            union select date_day from channel_days
        ),
        grid as (select days.date_day, models.attribution_model from days cross join models)
        select grid.date_day, grid.attribution_model,
            coalesce(revenue.net_revenue_cny, 0) - coalesce(channel_days.net_revenue_cny, 0)
                as net_revenue_difference_cny,
            coalesce(spend.spend_cny, 0) - coalesce(channel_days.spend_cny, 0)
                as spend_difference_cny
        from grid
        left join revenue on grid.date_day = revenue.date_day
        left join spend on grid.date_day = spend.date_day
        left join channel_days on grid.date_day = channel_days.date_day
            and grid.attribution_model = channel_days.attribution_model
        order by 1, 2
        """,
        "net_revenue_difference_cny",
        "spend_difference_cny",
    ),
    _reconciliation(
        "channel_months_to_orders",
        "One row per paid month x attribution model: net revenue of fct_orders minus the"
        " attributed net revenue of agg_channel_months.",
        ("month_start_date", "attribution_model"),
        f"""
        with revenue as (
            select date_trunc('month', paid_date) as month_start_date,
                sum(net_revenue_cny) as net_revenue_cny
            from ({PAID_ORDERS}) group by 1
        ),
        months as (
            select month_start_date, attribution_model,
                sum(attributed_net_revenue_cny) as net_revenue_cny
            from marts.agg_channel_months group by 1, 2
        ),
        models as (select distinct attribution_model from marts.agg_channel_months),
        grid as (
            select r.month_start_date, m.attribution_model from revenue as r cross join models as m
            union select month_start_date, attribution_model from months
        )
        select grid.month_start_date, grid.attribution_model,
            coalesce(revenue.net_revenue_cny, 0) - coalesce(months.net_revenue_cny, 0)
                as net_revenue_difference_cny
        from grid
        left join revenue on grid.month_start_date = revenue.month_start_date
        left join months on grid.month_start_date = months.month_start_date
            and grid.attribution_model = months.attribution_model
        order by 1, 2
        """,
        "net_revenue_difference_cny",
    ),
    _reconciliation(
        "funnel_to_traffic",
        "One row per day: human sessions of agg_traffic_days minus those of agg_funnel_days.",
        ("date_day",),
        """
        with funnel as (
            select date_day, sum(sessions) as sessions from marts.agg_funnel_days group by 1
        )
        select t.date_day, t.sessions - coalesce(f.sessions, 0) as sessions_difference
        from marts.agg_traffic_days as t left join funnel as f on t.date_day = f.date_day
        union all
        select f.date_day, -f.sessions from funnel as f
        where f.date_day not in (select date_day from marts.agg_traffic_days)
        order by 1
        """,
        "sessions_difference",
    ),
    _reconciliation(
        "scorecard_to_raw",
        "One row per raw table: raw rows minus the scorecard's rows received, and rows"
        " staging kept minus its rows kept.",
        ("source_table",),
        "\n        union all\n".join(
            f"""
        select '{name}' as source_table,
            (select count(*) from raw.{name})
                - (select max(rows_received) from marts.dq_scorecard
                   where source_table = '{name}') as rows_received_difference,
            (select count(*) from staging.base_shop__{name} where dq_rule is null)
                - (select max(rows_kept) from marts.dq_scorecard
                   where source_table = '{name}') as rows_kept_difference"""
            for name in TABLES
        )
        + "\n        order by 1",
        "rows_received_difference",
        "rows_kept_difference",
    ),
    _reconciliation(
        "customer_ltv_to_orders",
        "One row per cohort month: net revenue of snap_customer_ltv to date minus the paid"
        " orders of fct_orders up to the as-of date.",
        ("cohort_month",),
        """
        with as_of as (select as_of_date from intermediate.int_customer_value_as_of),
        orders as (
            select c.first_paid_month as cohort_month, sum(o.net_revenue_cny) as net_revenue_cny
            from marts.fct_orders as o
            inner join marts.dim_customers as c on o.customer_id = c.customer_id
            cross join as_of
            where o.is_paid and o.paid_date <= as_of.as_of_date
            group by 1
        ),
        ltv as (
            select cohort_month, sum(net_revenue_to_date_cny) as net_revenue_cny
            from marts.snap_customer_ltv group by 1
        )
        select coalesce(o.cohort_month, l.cohort_month) as cohort_month,
            coalesce(l.net_revenue_cny, 0) - coalesce(o.net_revenue_cny, 0)
                as net_revenue_difference_cny
        from orders as o full join ltv as l on o.cohort_month = l.cohort_month
        order by 1
        """,
        "net_revenue_difference_cny",
    ),
)


@dataclass(frozen=True)
class Check:
    """One suite as the runner sees it: a name, what it reads and its expectations."""

    name: str
    table: str
    kind: str
    key: tuple[str, ...]
    expectations: tuple[Expect, ...]
    description: str = ""
    raw_table: str | None = field(default=None)


def all_checks() -> list[Check]:
    """Every suite of the gate: raw tables in contract order, then the mart checks."""
    checks = [
        Check(
            name=f"raw_{name}",
            table=f"raw.{name}",
            kind="raw",
            # Failing rows are shown by key and by file and line.
            key=(*TABLES[name].key, SOURCE_FILE, SOURCE_LINE),
            expectations=tuple(raw_expectations(name)),
            description=f"Raw {name} against the contract: {TABLES[name].grain}",
            raw_table=name,
        )
        for name in TABLES
    ]
    checks += [
        Check(m.name, m.table, m.kind, m.key, m.expectations, m.description or m.table)
        for m in MART_CHECKS
    ]
    return checks


def check_query(check: Check, shop_timezone: str) -> str:
    if check.raw_table:
        return raw_query(check.raw_table, shop_timezone)
    return next(m for m in MART_CHECKS if m.name == check.name).query()
