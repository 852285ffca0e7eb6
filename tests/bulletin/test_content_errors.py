"""Malformed content gets a clear Chinese error naming the file (and the field), exit code 1,
and no partial output."""

from __future__ import annotations

import pytest

from tests.bulletin.conftest import PROFILES, make_content
from tests.conftest import run_cli


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


CASES = {
    "missing-title": (lambda c: _edit(c / "bulletin.toml", 'title = "示例市数字贸易协会简报"\n', ""),
                      ["bulletin.toml", "“title”", "缺失"]),
    "bad-period": (lambda c: _edit(c / "bulletin.toml", '"2024-01..2024-09"', '"2024Q7"'),
                   ["bulletin.toml", "“period”", "2024Q7"]),
    "broken-toml": (lambda c: _edit(c / "bulletin.toml", 'issue = "', 'issue = '),
                    ["bulletin.toml", "格式错误"]),
    "broken-front-matter": (lambda c: _edit(c / "行业资讯" / "02-服务贸易统计新标准.md",
                                            "date: 2024-10-08\nsource", "date: [2024\nsource"),
                            ["02-服务贸易统计新标准.md", "front matter"]),
    "unclosed-front-matter": (lambda c: _edit(c / "协会动态" / "01-统计填报培训.md",
                                              "date: 2024-10-16\n---", "date: 2024-10-16\n"),
                              ["01-统计填报培训.md", "没有以 --- 结束"]),
    "impossible-date": (lambda c: _edit(c / "行业资讯" / "01-跨境数据流动便利化.md",
                                        "date: 2024-10-12", "date: 2024-13-45"),
                        ["01-跨境数据流动便利化.md", "“date”", "不是有效日期", "2024-13-45"]),
    "news-without-source": (lambda c: _edit(c / "行业资讯" / "03-数字贸易报告.md",
                                            "source: 示例市数字经济研究院\n", ""),
                            ["03-数字贸易报告.md", "“source”", "缺失"]),
    "unknown-enterprise": (lambda c: _edit(c / "会员风采" / "02-海岸信息技术.md",
                                           PROFILES["02-海岸信息技术.md"], "91990102N0T4NYWH5F"),
                           ["02-海岸信息技术.md", "“enterprise_id”", "91990102N0T4NYWH5F", "没有这家企业"]),
    "period-without-data": (lambda c: _edit(c / "bulletin.toml", '"2024-01..2024-09"', '"2019-01..2019-09"'),
                            ["bulletin.toml", "“period”", "没有已审核通过的数据"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_content(case, tmp_path, sample_db):
    content = make_content(tmp_path / "issue")
    change, words = CASES[case]
    change(content)
    out = tmp_path / "out"
    p = run_cli("bulletin", content, "--db", sample_db, "--out", out)
    assert p.returncode == 1, p.stdout + p.stderr
    message = " ".join(p.stderr.split())
    for w in words:
        assert w in message, (w, message)
    assert "Traceback" not in p.stderr
    assert not out.exists() or list(out.iterdir()) == []            # no partial output


def test_missing_folder_and_bad_formats(tmp_path, sample_db):
    p = run_cli("bulletin", tmp_path / "nope", "--db", sample_db)
    assert p.returncode == 2 and "找不到文件夹" in p.stderr   # cli.py: a missing path is usage
    content = make_content(tmp_path / "issue")
    p = run_cli("bulletin", content, "--db", sample_db, "--formats", "pdf,odt")
    assert p.returncode == 2 and "--formats" in p.stderr
    p = run_cli("bulletin", content, "--db", sample_db, "--out", tmp_path / "only", "--formats", "html")
    assert p.returncode == 0 and [f.suffix for f in (tmp_path / "only").iterdir()] == [".html"]
