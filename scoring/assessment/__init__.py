"""The assessment: evidence in, the city's scores out.

``assess`` (:mod:`scoring.assessment.assess`) reads the evidence once and calls the arithmetic
of each sub-score: coverage of the months, portal posts against quotas, disclosure lags and
deadlines on the statutory calendar, backdating proofs, 文号 gaps, register matching, unit
totals and the ranking.
"""
