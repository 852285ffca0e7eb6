"""The domain, pure (no I/O beyond the packaged reference data).

    money       integer US cents, Decimal arithmetic, half-up rounding when shown
    periods     the report periods' grammar, Chinese words (of periods, days, moments) and the
                same months a year before
    codes       reference data: countries, groups with dates, categories, natures, currencies
    digital     digital trade's disjoint blocks, identities and disclosure (pure, exact integers)
    digital_codes  digital trade's reference data: customs regimes, EBOPS 2010, deliverable sets,
                the sub-category → EBOPS crosswalk (versioned, modelled), HS chapters, breaks
    credit      unified social credit codes and their check characters
    records     the four kinds of record, their columns, dates and keys
    status      a record's statuses, their words for each audience, the allowed transitions
    rules       the plausibility rules import and web filing share
    text        typed text every field may keep: no lone surrogate, NUL or control character
    organisation the association: its name, city and short self-reference (机构设置)
"""
