"""``shumao import x.zip`` (reliability review F15): a zip on the command line is unpacked as
the portal unpacks an upload (shumao.files.unpack: same limits, same Chinese messages), its
files named ``x.zip/合同.csv``, and its temporary folder removed whatever happened — it was
read as a CSV and answered “文件编码不一致”."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.conftest import run_json
from tests.support.paths import SAMPLE_FILES


def _zip(path, entries: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return path


@pytest.fixture
def env(tmp_path):
    (tmp_path / "tmp").mkdir()
    return {"SHUMAO_TMPDIR": str(tmp_path / "tmp")}


def test_a_zip_of_the_sample_city_imports_as_its_files_do(tmp_path, env):
    data = _zip(tmp_path / "2024年.zip", {f"城市/{p.name}": p.read_bytes() for p in SAMPLE_FILES})
    code, zipped = run_json("import", data, "--db", tmp_path / "z.duckdb", env=env)
    assert code == 0 and zipped["ok"], zipped
    code, plain = run_json("import", *SAMPLE_FILES, "--db", tmp_path / "p.duckdb", env=env)
    assert code == 0 and zipped["counts"] == plain["counts"]
    assert zipped["counts"]["contracts"]["new"] > 0
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_problem_in_a_zipped_file_names_the_zip_and_the_file(tmp_path, env):
    rows = SAMPLE_FILES[1].read_text(encoding="utf-8").splitlines()
    bad = "\n".join([rows[0], rows[1].replace(rows[1].split(",")[0], "", 1), *rows[2:]]) + "\n"
    data = _zip(tmp_path / "数据.zip", {"合同.csv": bad.encode(), SAMPLE_FILES[0].name: SAMPLE_FILES[0].read_bytes()})
    code, out = run_json("import", data, "--db", tmp_path / "z.duckdb", env=env)
    assert code == 1 and out["errors"]
    assert {e["file"] for e in out["errors"]} == {"数据.zip/合同.csv"}
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.parametrize("entries, message", [
    ({"../x.csv": b"a"}, "“bad.zip”：压缩包中的“../x.csv”含有“..”，指向压缩包之外，为安全起见不予处理"),
    ({"/abs/x.csv": b"a"}, "“bad.zip”：压缩包中的“/abs/x.csv”是绝对路径，为安全起见不予处理"),
    ({"病毒.exe": b"MZ"}, "“bad.zip”：压缩包中的“病毒.exe”不是 CSV 或 XLSX 文件；压缩包中只能有数据文件"),
    ({"inner.zip": b"PK"}, "“bad.zip”：压缩包中的“inner.zip”不是 CSV 或 XLSX 文件；压缩包中只能有数据文件"),
    ({}, "压缩包“bad.zip”中没有 CSV 或 XLSX 文件"),
    ({f"{n}.csv": b"a" for n in range(51)},
     "压缩包“bad.zip”中有 51 个数据文件，一次最多导入 50 个（压缩包中的文件也计算在内），请分批导入"),
])
def test_an_unsafe_zip_is_refused_with_the_portals_words(tmp_path, env, entries, message):
    data = _zip(tmp_path / "bad.zip", entries)
    code, out = run_json("import", data, "--db", tmp_path / "z.duckdb", env=env)
    assert code == 2 and out["error"]["message"] == message, out
    assert list((tmp_path / "tmp").iterdir()) == []
    assert not (tmp_path / "z.duckdb").exists()


def test_a_zip_bomb_is_stopped_at_four_times_the_upload_limit(tmp_path, env):
    """1 MB upload limit: 4 MB unpacked at most, however small the zip."""
    data = _zip(tmp_path / "bomb.zip", {"合同.csv": b"0" * (5 << 20)})
    assert data.stat().st_size < 64 << 10
    code, out = run_json("import", data, "--db", tmp_path / "z.duckdb", env={**env, "SHUMAO_UPLOAD_MB": "1"})
    assert code == 2 and out["error"]["code"] == "zip-too-large"
    assert out["error"]["message"].startswith("压缩包“bomb.zip”解压后超过 4 MB（上传上限的 4 倍）")
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_zip_bomb_whose_header_lies_is_stopped_too(tmp_path, env):
    """The entry says 1 KB and holds 5 MB: read no further than it says, and refused."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("合同.csv", b"0" * (5 << 20))
    raw = bytearray(buf.getvalue())
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 24:central + 28] = (1024).to_bytes(4, "little")    # uncompressed size
    data = tmp_path / "bomb.zip"
    data.write_bytes(bytes(raw))
    code, out = run_json("import", data, "--db", tmp_path / "z.duckdb", env={**env, "SHUMAO_UPLOAD_MB": "1"})
    assert code == 2 and out["error"]["code"] == "bad-zip", out
    assert out["error"]["message"].startswith("“bomb.zip”：压缩包中的“合同.csv”无法解压（压缩包可能已损坏")
    assert list((tmp_path / "tmp").iterdir()) == []
