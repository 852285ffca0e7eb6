"""``shumao demo`` prints its steps in order: step 2's import table under step 2's heading,
before step 3 (issue 7)."""

from tests.test_cli_errors import shumao


def test_demo_output_follows_the_steps(tmp_path):
    r = shumao("demo", "--out", tmp_path / "demo", "--no-serve")
    assert r.code == 0, r.stderr
    marks = ["1. 生成模拟填报数据", "2. 检查并导入", "导入结果", "3. 生成并发布简报", "4. 数据库汇总",
             "5. 数据月报", "【数据月报】", "6. 输出文件",
             "7. 网页门户账号", "企业填报员"]
    at = [r.stdout.find(m) for m in marks]
    assert -1 not in at and at == sorted(at), dict(zip(marks, at))
    assert r.stdout.count("导入结果") == 1
