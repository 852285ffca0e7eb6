"""The edit checks of a web filing (web.md filings-web), as data: code, level, the field it
looks at, the Chinese message and the rule in words.  ``same_as`` names the check of
``shumao import`` (catalogue.imports) that applies the same rule to an imported row."""

from __future__ import annotations

from typing import Literal

from shumao.catalogue.base import Rule
from shumao.model import rules

Level = Literal["hard", "quasi-hard", "verify", "hint"]
LEVELS: dict[str, str] = {"hard": "强制性", "quasi-hard": "准强制性", "verify": "核实性",
                          "hint": "提示性"}
VERIFY_MIN_CHARS = 6         # web.md: a verify check's explanation has at least six characters


def C(code: str, level: Level, field: str, message: str, rule: str,
      same_as: str | None = None) -> Rule:
    return Rule(code, "filing", level, message, GLOSS[code], rule, field, same_as)


GLOSS = {  # code: English gloss
    "missing-value": "a required value is empty",
    "bad-value": "a value that is neither text nor a number",
    "bad-id": "an id longer than 64 characters or with control characters",
    "id-taken": "the id is already used by another record",
    "bad-date": "not a date",
    "date-out-of-range": "the year is outside the years a record may name (model.rules)",
    "future-date": "the date is in the future",
    "unknown-country": "unknown country or region",
    "unknown-category": "unknown business category",
    "unknown-currency": "unknown currency",
    "bad-number": "not a number",
    "amount-not-positive": "the amount is not above zero",
    "amount-too-large": "the amount is 10^12 or more",
    "fraction-of-cent": "the amount is not a whole number of cents",
    "missing-rate": "no exchange rate yet for that currency and month: pending conversion",
    "unknown-contract": "the contract is not one of the enterprise's filed contracts",
    "before-contract": "executed before the contract was signed",
    "exceeds-contract": "the contract's submitted and approved executions exceed its amount",
    "possible-duplicate": "an execution of the same contract, day and amount exists",
    "unusual-amount": "the amount is far above the enterprise's median of the last twelve months "
                      "(else of its whole history, else the city's for the category): more "
                      "times the median as those amounts spread wider (model.rules.multiple)",
    "onshore": "the client is in China (onshore business)",
    "late": "submitted after the month's deadline",
    # a contract's digital-trade fields (spec/digital-trade.md §6.1.2): the import's rules
    "unknown-subcategory": "the sub-category is not in the sub-categories file",
    "subcategory-parent-mismatch": "the sub-category's ITO/BPO/KPO differs from the contract's category",
    "bad-delivery-mode": "not remote, onsite, mixed or unknown",
    "remote-share-out-of-range": "the remote share is not a whole number from 0 to 100",
    "delivery-share-inconsistent": "remote with a share other than 100, onsite other than 0, "
                                   "mixed without 1-99, or a share without a delivery mode",
    "bad-ordered-online": "not yes, no or unknown",
    "unknown-platform": "the platform is not in the platforms register",
}
EDITS: tuple[Rule, ...] = (
    # -- hard: the value cannot be stored or cannot be right --------------------------------
    C("missing-value", "hard", "*", "“{detail}”为必填项，不能为空",
      "每个必填字段都须填写", "missing-value"),
    C("bad-value", "hard", "*", "“{detail}”应为文字或数字（收到{value}）",
      "每个字段的值为文字或数字"),
    C("bad-id", "hard", "*", "编号“{value}”无效（最长64个字符，不能含换行等控制字符）",
      "合同编号、执行编号不超过64个字符，不含控制字符"),
    C("id-taken", "hard", "*", "编号“{value}”已被使用，请换一个编号",
      "合同编号、执行编号在全部记录中唯一", "duplicate-id"),
    C("bad-date", "hard", "*", "日期“{value}”无法识别（应为2023-03-05、2023/3/5或2023年3月5日）",
      "日期须为2023-03-05、2023/3/5或2023年3月5日之一，且确实存在", "bad-date"),
    C("date-out-of-range", "hard", "*",
      f"日期“{{value}}”超出可填报的范围（年份须在{rules.FIRST_YEAR}年到{rules.LAST_YEAR}年之间）",
      f"日期的年份在{rules.FIRST_YEAR}年到{rules.LAST_YEAR}年之间", "date-out-of-range"),
    C("future-date", "hard", "*", "日期“{value}”晚于今天，不能填报尚未发生的业务",
      "签约日期、执行日期不晚于今天（导入时为警告）", "future-date"),
    C("unknown-country", "hard", "client_country",
      "国别（地区）“{value}”无法识别（请从列表中选择，如 日本、中国香港）",
      "发包方国别（地区）须为ISO代码或中文简称", "unknown-country"),
    C("unknown-category", "hard", "category", "业务类别“{value}”无法识别（应为ITO、BPO或KPO）",
      "业务类别须为信息技术外包（ITO）、业务流程外包（BPO）或知识流程外包（KPO）",
      "unknown-category"),
    C("unknown-currency", "hard", "currency", "币种“{value}”无法识别",
      "币种须为ISO 4217代码或中文名称（空为美元）", "unknown-currency"),
    C("bad-number", "hard", "amount", "金额“{value}”不是有效数字",
      "金额须为数字，可带千分位逗号", "bad-number"),
    C("amount-not-positive", "hard", "amount", "金额“{value}”须大于0",
      "填报的金额须大于0（导入时负数为错误）", "negative-amount"),
    C("amount-too-large", "hard", "amount", "金额“{value}”超出上限（须小于1万亿）",
      "金额小于10¹²", "amount-too-large"),
    C("fraction-of-cent", "hard", "amount", "金额“{value}”不足一分（小数位过多）",
      "金额须为整分", "fraction-of-cent"),
    # a contract's digital-trade fields (spec/digital-trade.md §6.1.2, model.digital's rule)
    C("unknown-subcategory", "hard", "subcategory",
      "业务子类“{value}”无法识别，请从列表中选择（如 软件研发服务）",
      "业务子类为服务外包业务子类表中的名称或代码", "unknown-subcategory"),
    C("subcategory-parent-mismatch", "hard", "subcategory",
      "业务子类“{value}”属于{detail}，与本合同的业务类别不符，请重选业务子类或业务类别",
      "业务子类属于合同的业务类别", "subcategory-parent-mismatch"),
    C("bad-delivery-mode", "hard", "delivery_mode",
      "交付方式“{value}”无法识别（应为远程交付、现场交付、混合交付或不明）",
      "交付方式为远程交付、现场交付、混合交付或不明", "bad-delivery-mode"),
    C("remote-share-out-of-range", "hard", "remote_share",
      "远程交付比例（%）“{value}”无效，应为0到100的整数（如 60）",
      "远程交付比例为0到100的整数", "remote-share-out-of-range"),
    C("delivery-share-inconsistent", "hard", "remote_share",
      "远程交付比例（%）{detail}（远程交付为100，现场交付为0，混合交付须填1到99）",
      "远程交付比例与交付方式相符：远程交付为100，现场交付为0，混合交付填1到99，"
      "交付方式不明时不填", "delivery-share-inconsistent"),
    C("bad-ordered-online", "hard", "ordered_online",
      "线上订购“{value}”无法识别（应为是、否或不明）",
      "线上订购为是、否或不明（通过网站、应用、EDI或平台下单为是；电子邮件或会谈洽谈为否）",
      "bad-ordered-online"),
    C("unknown-platform", "hard", "platform_id",
      "接单平台“{value}”不在平台名录中，请从列表中选择（名录由统计人员导入）",
      "接单平台在平台名录中", "unknown-platform"),

    C("unknown-contract", "hard", "contract_id",
      "合同“{value}”不是本企业已填报的合同，请先填报该合同",
      "执行记录须属于本企业的一份合同", "unknown-contract"),
    C("before-contract", "hard", "executed_on",
      "执行日期{value}早于合同签约日期{detail}",
      "执行日期不早于其合同的签约日期"),
    # -- quasi-hard: allowed with an explanation --------------------------------------------
    C("exceeds-contract", "quasi-hard", "amount",
      "连同本笔，该合同已提交和已通过的执行额合计{detail}，请说明原因",
      "同一合同已提交和已通过的执行额合计不超过合同金额（导入时按执行日期累计检查）",
      "exceeds-contract"),
    C("possible-duplicate", "quasi-hard", "amount",
      "同一合同在同一天已有一笔相同金额的执行记录（{detail}），请确认不是重复填报",
      "同一合同同一天不重复填报相同金额的执行"),
    # -- verify: an explanation of six characters or more -----------------------------------
    C("unusual-amount", "verify", "amount",
      f"金额{{value}}超过{{detail}}，请核实并说明（不少于{VERIFY_MIN_CHARS}个字）",
      rules.rule_words("本企业", "city") + "（导入时按同一规则给出警告）",
      "unusual-amount"),
    # -- hint: shown only ---------------------------------------------------------------------
    C("onshore", "hint", "client_country",
      "发包方在境内（在岸业务），计入在岸额，不计入离岸额",
      "发包方为中国（CN）的记录为在岸业务"),
    C("missing-rate", "hint", "currency",
      "{detail}的{value}汇率尚未录入：本记录可以提交，显示为“待折算”，统计人员录入汇率后自动折算为美元"
      "（与美元金额有关的检查届时进行）",
      "非美元金额按该月汇率折算为美元；汇率未录入时记录为“待折算”，不计入任何数字，录入后自动折算"
      "（导入时缺少汇率为错误）", "missing-rate"),
    C("late", "hint", "*", "本月填报已于{detail}截止，本次提交将标记为逾期",
      "每月记录在截止日（默认次月10日）前提交"),
)
# an enterprise's upload (filing.service.upload) refused as a whole: the file is not its filing
UPLOAD = Rule("not-a-filing", "filing", "hard", "{detail}",
              "the upload holds records an enterprise may not file (enterprises, rates, another "
              "enterprise's contracts, a closed month) or nothing new",
              "企业上传的文件只含本企业的合同和执行记录，其月份的填报未截止，且至少有一条新记录")

