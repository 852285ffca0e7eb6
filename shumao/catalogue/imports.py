"""The import's issue codes (``shumao import``, ingest.issues): severity, the Chinese message
template and an English gloss.  Codes are stable kebab-case strings that tests and scripts rely on.

A template may use ``{value}`` (the cell as the user wrote it), ``{header}`` (the column
as it is headed in the file) and ``{detail}`` (a figure the check computed); the rest of the sentence names what is wrong and how to fix it.
"""

from __future__ import annotations

from typing import Literal

Severity = Literal["error", "warning"]

# code: (severity, Chinese template, English gloss)
CATALOGUE: dict[str, tuple[Severity, str, str]] = {
    "unreadable-file": ("error", "无法读取文件：{value}", "the file cannot be read"),
    "empty-file": ("error", "文件为空：没有任何内容", "the file is empty"),
    "mixed-encoding": (
        "error",
        "文件编码不一致：{detail}。请在Excel或记事本中把整个文件另存为UTF-8编码后再导入",
        "some lines are UTF-8 and others are not (GBK?): save the whole file in one encoding",
    ),
    "formula-without-value": (
        "error",
        "“{header}”的单元格是公式但没有计算结果，请在Excel中打开并保存后再导入，或粘贴为数值",
        "a formula cell without a computed (cached) value",
    ),
    "unknown-file-kind": (
        "error",
        "无法判断文件内容（企业、合同、执行或汇率）：文件名和表头都无法识别",
        "neither the file name nor the headers say what the file holds",
    ),
    "missing-column": ("error", "缺少必填列“{value}”", "a required column is missing"),
    "missing-value": ("error", "“{header}”为必填项，不能为空", "a required value is empty"),
    "bad-credit-code": (
        "error",
        "统一社会信用代码“{value}”无效（应为18位，校验位须符合GB 32100-2015及GB 11714）",
        "the unified social credit code fails its check digits",
    ),
    "unknown-nature": (
        "error",
        "企业性质“{value}”无法识别（应为内资、港澳台商投资、外商投资或登记注册类型代码）",
        "unknown enterprise nature",
    ),
    "unknown-country": (
        "error",
        "国别（地区）“{value}”无法识别（应为ISO代码或中文简称，如 JP、日本、中国香港）",
        "unknown country or region",
    ),
    "unknown-category": (
        "error",
        "业务类别“{value}”无法识别（应为ITO、BPO、KPO或其中文名称）",
        "unknown business category",
    ),
    "unknown-currency": ("error", "币种“{value}”无法识别", "unknown currency"),
    "unknown-status": (
        "error",
        "审核状态“{value}”无法识别（应为审核通过、待审核或退回）",
        "unknown review status",
    ),
    "currency-conflict": (
        "error",
        "币种“{value}”与表头“{header}”所注明的币种不一致",
        "the currency differs from the one named in the header",
    ),
    "bad-number": ("error", "“{header}”的值“{value}”不是有效数字", "not a number"),
    "amount-too-large": (
        "error",
        "金额“{value}”超出上限（须小于1万亿；表头注明单位时按换算后的金额计）",
        "the amount is 10^12 or more, in its currency once the header's unit is applied",
    ),
    "negative-amount": ("error", "金额“{value}”为负数，金额不能为负", "negative amount"),
    "fraction-of-cent": (
        "error",
        "金额“{value}”换算后不足一分（小数位过多）",
        "the amount is not a whole number of cents",
    ),
    "bad-rate": ("error", "汇率“{value}”无效（应为大于0的数字）", "the rate is not a positive number"),
    "bad-date": (
        "error",
        "日期“{value}”无法识别（应为2023-03-05、2023/3/5或2023年3月5日）",
        "not a date",
    ),
    "impossible-date": ("error", "日期“{value}”不存在", "the date does not exist"),
    "bad-month": ("error", "月份“{value}”无效（应为2023-06）", "not a month"),
    "unknown-enterprise": (
        "error",
        "企业“{value}”不在本次导入或已存数据中，请先导入该企业",
        "the enterprise is neither in this import nor in the store",
    ),
    "unknown-contract": (
        "error",
        "合同“{value}”不在本次导入或已存数据中，请先导入该合同",
        "the contract is neither in this import nor in the store",
    ),
    "duplicate-id": (
        "error",
        "编号“{value}”在本次导入中出现多次且内容不同",
        "the same id twice in this import with different content",
    ),
    "changed-record": (
        "error",
        "编号“{value}”已存在且内容不同；如需以新数据替换，请选择替换导入（网页上勾选“替换已有记录”，命令行加 --replace）",
        "the id is stored with different content; import with replace (the web form's checkbox, --replace) to replace it",
    ),
    "missing-rate": (
        "error",
        "缺少币种{value}在{detail}的汇率，无法折算美元（请在汇率文件中提供该月汇率）",
        "no exchange rate for that currency and month",
    ),
    "exceeds-contract": (
        "warning",
        "截至本笔执行，该合同累计执行额{detail}美元，已超过合同金额",
        "the running total of executions exceeds the contract amount",
    ),
    "future-date": ("warning", "日期“{value}”晚于今天", "the date is in the future"),
    "unusual-amount": (
        "warning",
        "金额“{value}”超过该企业通常金额（中位数{detail}美元）的100倍，请核实是否填错单位或多写了位数",
        "the amount is more than a hundred times the enterprise's usual (median) amount",
    ),
}
