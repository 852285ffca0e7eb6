"""The settings table (``shumao/settings.py``): defaults as documented, the environment over
them, wrong values in Chinese."""

from __future__ import annotations

import os

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
