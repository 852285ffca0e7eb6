"""The settings table (``shumao/settings.py``): defaults as documented, the environment over
them, wrong values in Chinese."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shumao import settings
from shumao.errors import InputError

MB = 1 << 20


def test_the_memory_default_is_a_quarter_of_the_machine_at_least_1gb():
    machine = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    got = settings.memory_share(limits=())
    assert got.endswith("MB")
    assert int(got.removesuffix("MB")) == max(1024, machine // 4 // MB)
    assert settings.BY_NAME["SHUMAO_STORE_MEMORY"].default == settings.memory_share()
    assert settings.BY_NAME["SHUMAO_STAGING_MEMORY"].default == settings.memory_share()


@pytest.mark.parametrize("limit", [str(8 << 30), str(2 << 30), "max", "garbage"])
def test_a_containers_limit_is_what_the_quarter_is_of(tmp_path, limit):
    """cgroup v2 writes the container's limit in bytes, or "max" for none."""
    f = tmp_path / "memory.max"
    f.write_text(limit + "\n")
    machine = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    allowed = min(machine, int(limit)) if limit.isdigit() else machine
    got = settings.memory_share(limits=(str(f), str(tmp_path / "absent")))
    assert got == f"{max(1024, allowed // 4 // MB)}MB"
    if limit == str(2 << 30):
        assert got == "1024MB"       # at least 1 GB, even in a small container


def test_the_environment_wins_and_a_wrong_number_is_chinese(monkeypatch):
    monkeypatch.setenv("SHUMAO_STORE_MEMORY", "3GB")
    assert settings.get("SHUMAO_STORE_MEMORY") == "3GB"
    monkeypatch.setenv("SHUMAO_STAGING_MEMORY", "1.5GiB")
    assert settings.get("SHUMAO_STAGING_MEMORY") == "1.5GiB"
    for wrong in ("lots", "2 GB of it", "-1GB", "GB"):
        monkeypatch.setenv("SHUMAO_STORE_MEMORY", wrong)
        with pytest.raises(InputError, match=f"SHUMAO_STORE_MEMORY 应为内存大小，如 2GB、512MB（收到“{wrong}”）"):
            settings.get("SHUMAO_STORE_MEMORY")
    monkeypatch.setenv("SHUMAO_LOCK_WAIT", "很久")
    with pytest.raises(InputError, match="SHUMAO_LOCK_WAIT 应为整数"):
        settings.get("SHUMAO_LOCK_WAIT")


@pytest.mark.parametrize("name, wrong, words", [
    # F11: memory sizes DuckDB cannot work in, or without a unit
    ("SHUMAO_STORE_MEMORY", "0", "应为内存大小，如 2GB、512MB"),
    ("SHUMAO_STORE_MEMORY", "512", "应为内存大小，如 2GB、512MB"),
    ("SHUMAO_STORE_MEMORY", "1KB", "应不小于 128MB"),
    ("SHUMAO_STAGING_MEMORY", "1B", "应不小于 128MB"),
    ("SHUMAO_STAGING_MEMORY", "0.1GB", "应不小于 128MB"),
    ("SHUMAO_SPARK_MEMORY", "lots", "应为 Spark 的内存大小，如 4g、16g、512m"),
    ("SHUMAO_SPARK_MEMORY", "4GB", "应为 Spark 的内存大小，如 4g、16g、512m"),
    ("SHUMAO_SPARK_MEMORY", "100m", "应不小于 512m"),
    # F22: numbers outside what they can mean
    ("SHUMAO_LOCK_WAIT", "-5", "应为 0 到 86400 之间的整数"),
    ("SHUMAO_LOCK_WAIT", "99999999999999999999", "应为 0 到 86400 之间的整数"),
    ("SHUMAO_UPLOAD_MB", "-1", "应为 1 到 100000 之间的整数"),
    ("SHUMAO_UPLOAD_MB", "0", "应为 1 到 100000 之间的整数"),
    ("SHUMAO_SESSION_MINUTES", "0", "应为 1 到 525600 之间的整数"),
    ("SHUMAO_SMTP_PORT", "99999", "应为 0 到 65535 之间的整数"),
    ("SHUMAO_SMTP_TIMEOUT", "-1", "应为 1 到 3600 之间的整数"),
    ("SHUMAO_SMTP_TIMEOUT", "0", "应为 1 到 3600 之间的整数"),
    # issue 22: settings with a few values
    ("SHUMAO_DIGITAL_ORDERED_UNKNOWN", "ndo", "应为 NDO 或 separate"),
    ("SHUMAO_DIGITAL_BY_SIZE", "1", "应为 no 或 yes"),
])
def test_a_value_that_would_fail_later_is_refused_when_read(monkeypatch, name, wrong, words):
    monkeypatch.setenv(name, wrong)
    with pytest.raises(InputError) as e:
        settings.get(name)
    assert str(e.value).startswith(f"环境变量 {name} {words}") and f"（收到“{wrong}”）" in str(e.value)


@pytest.mark.parametrize("name, good", [
    ("SHUMAO_STORE_MEMORY", "128MB"), ("SHUMAO_STAGING_MEMORY", "1.5GiB"), ("SHUMAO_STORE_MEMORY", "100TB"),
    ("SHUMAO_SPARK_MEMORY", "4g"), ("SHUMAO_SPARK_MEMORY", "16G"), ("SHUMAO_SPARK_MEMORY", "512m"),
    ("SHUMAO_LOCK_WAIT", "0"), ("SHUMAO_LOCK_WAIT", "86400"), ("SHUMAO_SMTP_PORT", "0"),
    ("SHUMAO_SMTP_PORT", "65535"), ("SHUMAO_UPLOAD_MB", "1"), ("SHUMAO_SESSION_MINUTES", "1"),
])
def test_values_at_the_edges_are_taken(monkeypatch, name, good):
    monkeypatch.setenv(name, good)
    got = settings.get(name)
    assert str(got) == good


def test_every_default_passes_its_own_check(monkeypatch):
    for s in settings.TABLE:
        monkeypatch.delenv(s.name, raising=False)
        settings.get(s.name)


def test_the_temporary_folder_must_exist_and_be_writable(monkeypatch, tmp_path):
    """F11: a missing or read-only SHUMAO_TMPDIR is said when it is read, not 程序出错 later."""
    monkeypatch.setenv("SHUMAO_TMPDIR", str(tmp_path / "没有"))
    with pytest.raises(InputError, match="环境变量 SHUMAO_TMPDIR 应为已有的文件夹.*（收到“.*没有”）"):
        settings.get("SHUMAO_TMPDIR")
    (tmp_path / "文件").write_text("x")
    monkeypatch.setenv("SHUMAO_TMPDIR", str(tmp_path / "文件"))
    with pytest.raises(InputError, match="应为已有的文件夹"):
        settings.get("SHUMAO_TMPDIR")
    ro = tmp_path / "只读"
    ro.mkdir()
    ro.chmod(0o555)
    target = ro if os.geteuid() != 0 else Path("/sys")      # root writes through chmod 555
    monkeypatch.setenv("SHUMAO_TMPDIR", str(target))
    with pytest.raises(InputError, match="环境变量 SHUMAO_TMPDIR 应为可写入的文件夹.*没有写入权限"):
        settings.get("SHUMAO_TMPDIR")
    monkeypatch.setenv("SHUMAO_TMPDIR", str(tmp_path))
    assert settings.get("SHUMAO_TMPDIR") == str(tmp_path)
    assert list(tmp_path.glob(".shumao-probe-*")) == []


def test_a_bad_setting_stops_an_import_in_chinese_before_it_starts(tmp_path):
    """Through the command: one Chinese line, exit 2, no store, no staging folder."""
    from tests.conftest import SAMPLE, run_cli

    for name, value in (("SHUMAO_STAGING_MEMORY", "1B"), ("SHUMAO_TMPDIR", str(tmp_path / "没有"))):
        r = run_cli("import", SAMPLE / "enterprises.csv", "--db", tmp_path / "s.duckdb",
                    env={name: value})
        assert r.returncode == 2 and r.stderr.startswith(f"错误：环境变量 {name} 应"), r.stderr
        assert "程序出错" not in r.stderr and not (tmp_path / "s.duckdb").exists()
