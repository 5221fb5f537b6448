{#- Personal data never leaves staging in clear. Hash for joining/counting, mask for display. -#}

{#- Salted SHA-256 of a personal value; null stays null. -#}
{% macro hash_pii(column) -%}
    {{ return(adapter.dispatch('hash_pii', 'shopkpi')(column)) }}
{%- endmacro %}

{% macro default__hash_pii(column) -%}
    case
        when nullif(trim({{ column }}), '') is not null
            then sha256('{{ var("pii_hash_salt") }}' || trim({{ column }}))
    end
{%- endmacro %}

{% macro spark__hash_pii(column) -%}
    case
        when nullif(trim({{ column }}), '') is not null
            then sha2(concat('{{ var("pii_hash_salt") }}', trim({{ column }})), 256)
    end
{%- endmacro %}

{#- 13812345678 -> 138****5678. Anything shorter than 7 characters is fully masked. -#}
{% macro mask_phone(column) -%}
    case
        when length(trim({{ column }})) >= 7
            then concat(
                left(trim({{ column }}), 3),
                '****',
                right(trim({{ column }}), 4)
            )
        when nullif(trim({{ column }}), '') is not null then '****'
    end
{%- endmacro %}

{#- 王小明 -> 王**: the family name stays, the rest is masked. -#}
{% macro mask_name(column) -%}
    case
        when nullif(trim({{ column }}), '') is not null
            then concat(left(trim({{ column }}), 1), repeat('*', length(trim({{ column }})) - 1))
    end
{%- endmacro %}
