{#- The combination of columns is unique; nulls count as a value (two rows with the same
    date, channel and a null campaign are duplicates). -#}
{% test unique_combination(model, columns) %}
    select
        {{ columns | join(', ') }},
        count(*) as row_count
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}
