"""The portal's JavaScript from the npm registry (web.md: ECharts served by the app itself,
never from a CDN — portals run on closed networks).

``python -m shumao.web.assets`` (run by scripts/setup.sh) downloads each pinned package's
tarball once, checks it against the registry's sha512 integrity written below, and keeps the
one file the portal serves in ``static/vendor/``.  The server only reads those files.
"""

from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path
from typing import NamedTuple

VENDOR = Path(__file__).parent / "static" / "vendor"
REGISTRY = "https://registry.npmjs.org"


class Asset(NamedTuple):
    package: str
    version: str
    member: str        # the file inside the tarball
    integrity: str     # the registry's dist.integrity of the tarball

    @property
    def name(self) -> str:
        return Path(self.member).name


ASSETS = (
    Asset("echarts", "5.6.0", "package/dist/echarts.min.js",
          "sha512-oTbVTsXfKuEhxftHqL5xprgLoc0k7uScAwtryCgWF6hPYFLRwOUHiFmHGCBKP5NPFNkDVopOieyUqYGH8Fa3kA=="),
    Asset("htmx.org", "2.0.11", "package/dist/htmx.min.js",
          "sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="),
)


def missing() -> list[Asset]:
    return [a for a in ASSETS if not (VENDOR / a.name).is_file()]


def fetch(asset: Asset) -> None:
    url = f"{REGISTRY}/{asset.package}/-/{asset.package.split('/')[-1]}-{asset.version}.tgz"
    with urllib.request.urlopen(url, timeout=120) as r:   # noqa: S310 — a fixed https URL
        data = r.read()
    algo, _, expected = asset.integrity.partition("-")
    got = base64.b64encode(hashlib.new(algo, data).digest()).decode()
    if got != expected:
        raise RuntimeError(f"{asset.package}@{asset.version} 的校验值不符（{url}），未安装")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        member = tar.extractfile(asset.member)
        if member is None:
            raise RuntimeError(f"{url} 中没有 {asset.member}")
        VENDOR.mkdir(parents=True, exist_ok=True)
        tmp = VENDOR / f".{asset.name}.part"
        tmp.write_bytes(member.read())
        tmp.replace(VENDOR / asset.name)


def main() -> int:
    for asset in missing():
        print(f"下载 {asset.package} {asset.version}（npm）…")
        fetch(asset)
    return 0


if __name__ == "__main__":
    sys.exit(main())
