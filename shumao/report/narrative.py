"""The 数据月报 text, exactly as report.md and shared/examples/sample_city/expected_*.txt
write it."""

from __future__ import annotations

from shumao.indicators import Indicators
from shumao.indicators.catalog import BRI_WORDS
from shumao.model.codes import country_name
from shumao.report.numbers import growth_phrase, growths_phrase, money, pct
from shumao.report.settings import ReportSettings

TITLE = "【数据月报】"
RANK_WORDS = {1: "第一位的是", 2: "前两位的是", 3: "前三的是"}


def paragraphs(ind: Indicators, s: ReportSettings) -> list[str]:
    f = ind.figures
    when = ind.period.words(s.relative)
    me = s.short

    def fig(fid: str) -> str:
        return f"{money(f[fid].current)}，{growth_phrase(f[fid].growth)}"

    overall = (f"根据{s.source}公布的最新数据显示，{when}{s.region}服务外包合同签约额（包含在岸）"
               f"{fig('signed_total')}；接包合同执行额{fig('exec_total')}。其中，离岸服务外包合同额"
               f"{fig('signed_offshore')}；执行额{fig('exec_offshore')}。")
    market = (f"从国际市场看，{when}{_partners(ind, me, s.top_text)}"
              f"{me}承接{BRI_WORDS[ind.bri_basis]}服务外包执行金额{fig('exec_bri')}。"
              f"{me}承接RCEP成员国离岸服务外包执行额{fig('exec_rcep')}。")
    nature = [("内资企业", "domestic"), ("外商投资", "foreign")]
    if ind.basis.hmt_separate:
        nature.insert(1, ("港澳台商投资企业", "hmt"))
    parts = []
    for words, key in nature:
        sig, ex = f[f"signed_offshore_{key}"], f[f"exec_offshore_{key}"]
        parts.append(f"{words}服务外包合同签约金额{money(sig.current)}，占比{pct(sig.share)}；"
                     f"合同执行金额{money(ex.current)}，占比{pct(ex.share)}")
    enterprise = f"从企业性质看，{when}{me}" + "；".join(parts) + "。"
    cats = "；".join(fig(f"exec_offshore_{c}") for c in ("ITO", "BPO", "KPO"))
    structure = (f"从业务结构看，{when}{me}企业承接离岸信息技术外包（ITO）、业务流程外包（BPO）"
                 f"和知识流程外包（KPO）执行额分别为{cats}。")
    return [overall, market, enterprise, structure]


def _partners(ind: Indicators, me: str, n: int) -> str:
    top = ind.partners[:n]
    if not top:
        return f"{me}暂无离岸接包合同执行额。"
    names = "、".join(country_name(p.country) for p in top)
    amounts = "、".join(money(p.current) for p in top)
    rank = RANK_WORDS.get(len(top), f"前{len(top)}位的是")
    lead = "分别是" if len(top) > 1 else "为"
    return (f"{me}接包合同执行额{rank}{names}，{lead}{amounts}，"
            f"{growths_phrase([p.growth for p in top])}。")


def text(ind: Indicators, s: ReportSettings) -> str:
    return "".join(p + "\n\n" for p in [TITLE, *paragraphs(ind, s)])  # as the expected files
