"""The national website inspection (国办秘函〔2019〕19号) of one site as of one day.

One module per group of indicators, each returning :class:`~scoring.inspection.verdict.Indicator`
values with their evidence:

- :mod:`scoring.inspection.reachability`: 站点无法访问 and 首页不更新, from the probes;
- :mod:`scoring.inspection.columns`: column ages from the nightly walks, and 栏目不更新,
  长期未更新, 空白栏目, 栏目更新不及时;
- :mod:`scoring.inspection.links`: 首页/其他页面链接不可用, from the link checks;
- :mod:`scoring.inspection.annual_report`: the 年报 by 31 January;
- :mod:`scoring.inspection.site`: the whole inspection; :mod:`scoring.inspection.report` prints it.

Evidence is what was stored by the end of the inspection day (Asia/Shanghai). What the evidence
cannot prove is reported as ``not provable``, never guessed.
"""
