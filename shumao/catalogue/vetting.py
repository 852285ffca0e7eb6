"""The checks of a report before publication (report.vetting, report.md: Beyond the text):
parts add up to totals, shares add up within rounding, and the disclosure rule.  A check
that fails flags the report; a bulletin is not published with a flagged figure unless the
clerk releases it (and the release is recorded in every output)."""

from __future__ import annotations

from shumao.catalogue.base import Rule

_SUMS = "{words}：分项之和{parts}万美元，合计{total}万美元"
VETTING: tuple[Rule, ...] = (
    Rule("onshore-offshore", "publication", "error", _SUMS,
         "onshore and offshore do not add up to the total",
         "在岸与离岸的合同额、执行额之和等于签约总额、执行总额"),
    Rule("nature-split", "publication", "error", _SUMS,
         "the offshore figures by enterprise nature do not add up to the offshore figure",
         "按企业性质分的离岸合同额、执行额之和等于离岸合同额、执行额"),
    Rule("category-split", "publication", "error", _SUMS,
         "ITO, BPO and KPO do not add up to the offshore execution",
         "ITO、BPO、KPO执行额之和等于离岸执行额"),
    Rule("shares-sum", "publication", "error", "{words}：各项占比合计{shares}%",
         "the shares of the parts do not add up to 100 % within rounding",
         "各项占比（四舍五入后）合计为100%，误差不超过每项0.01个百分点"),
    Rule("few-enterprises", "publication", "error",
         "“{name}”仅由{count}家企业构成（少于{minimum}家），发布前请审核",
         "a published figure built from fewer than three enterprises",
         "发布的数字至少由3家企业构成（统计保密）"),
    Rule("dominant-enterprise", "publication", "error",
         "“{name}”中单一企业占{share}%（超过85%），发布前请审核",
         "one enterprise is more than 85 % of a published figure",
         "发布的数字中单一企业占比不超过85%（统计保密）"),
)
