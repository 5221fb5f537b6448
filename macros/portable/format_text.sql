{#- Text from a printf-style template and SQL expressions, one per placeholder: %s (text), %d
    (a whole number), %.Nf (a number with N decimals, a tie rounded to even, as C printf
    rounds a double), %% (a percent sign). -#}
{% macro format_text(template, args) -%}
    {{ return(adapter.dispatch('format_text', 'shopkpi')(template, args)) }}
{%- endmacro %}

{% macro default__format_text(template, args) -%}
    printf('{{ template | replace("'", "''") }}', {{ args | join(', ') }})
{%- endmacro %}

{#- Java's formatter wants a double for %f and an integer for %d, and rounds a tie half up:
    each argument is cast to its placeholder's type, and a %.Nf argument is first rounded
    half to even at N decimals (bround), so the text is DuckDB's. -#}
{% macro spark__format_text(template, args) -%}
    {%- set placeholders = modules.re.findall('%[-+ 0#]*[0-9]*(?:[.]([0-9]+))?([sdf%])', template) -%}
    {%- set typed = [] -%}
    {%- for precision, conversion in placeholders if conversion != '%' -%}
        {%- set arg = args[typed | length] -%}
        {%- if conversion == 'f' -%}
            {%- set scale = 10 ** (precision | int if precision else 6) -%}
            {%- do typed.append(
                'bround(cast(' ~ arg ~ ' as double) * ' ~ scale ~ ', 0) / ' ~ scale
            ) -%}
        {%- elif conversion == 'd' -%}
            {%- do typed.append('cast(' ~ arg ~ ' as bigint)') -%}
        {%- else -%}
            {%- do typed.append('cast(' ~ arg ~ ' as string)') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if typed | length != args | length -%}
        {{ exceptions.raise_compiler_error(
            "format_text: " ~ args | length ~ " arguments for the placeholders of '" ~ template ~ "'"
        ) }}
    {%- endif -%}
    format_string('{{ template | replace("'", "\\'") }}', {{ typed | join(', ') }})
{%- endmacro %}
