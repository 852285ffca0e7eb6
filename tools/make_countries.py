"""Regenerate shumao/data/countries.csv from pycountry's ISO 3166-1 zh_CN names.

Chinese statistics write short names (韩国, not 大韩民国) and name Hong Kong, Macao and
Taiwan as 中国香港 / 中国澳门 / 中国台湾; OVERRIDES below carries those choices, each
official long name kept as an alias.  Run: .venv/bin/python tools/make_countries.py
"""

import csv
import gettext
from pathlib import Path

import pycountry

OUT = Path(__file__).resolve().parents[1] / "shumao" / "data" / "countries.csv"

# iso2: (short Chinese name, extra aliases)
OVERRIDES = {
    "CN": ("中国", ["中华人民共和国", "中国大陆", "境内"]),
    "HK": ("中国香港", ["香港", "中国香港特别行政区", "香港特别行政区"]),
    "MO": ("中国澳门", ["澳门", "中国澳门特别行政区", "澳门特别行政区"]),
    "TW": ("中国台湾", ["台湾", "中国台湾省", "台湾省", "台湾地区"]),
    "KR": ("韩国", ["大韩民国", "南韩"]),
    "KP": ("朝鲜", ["朝鲜民主主义人民共和国"]),
    "BO": ("玻利维亚", ["波利维亚"]),
    "BA": ("波黑", []),
    "CD": ("刚果(金)", ["刚果民主共和国", "民主刚果"]),
    "CG": ("刚果(布)", ["刚果共和国", "刚果"]),
    "CF": ("中非", []),
    "DO": ("多米尼加", []),
    "FM": ("密克罗尼西亚联邦", []),
    "TT": ("特立尼达和多巴哥", []),
    "AE": ("阿联酋", ["阿拉伯联合酋长国"]),
    "SA": ("沙特阿拉伯", ["沙特"]),
    "RU": ("俄罗斯", ["俄罗斯联邦"]),
    "GB": ("英国", ["大不列颠及北爱尔兰联合王国"]),
    "US": ("美国", ["美利坚合众国"]),
    "VN": ("越南", ["越南社会主义共和国"]),
    "CZ": ("捷克", ["捷克共和国"]),
    "TR": ("土耳其", ["土耳其共和国"]),
    "NU": ("纽埃", []),
    "KH": ("柬埔寨", []),                 # pycountry's zh_CN has a typo (柬埔塞)
    "BD": ("孟加拉国", ["孟加拉"]),
    "KG": ("吉尔吉斯斯坦", []),
    "CK": ("库克群岛", []),
}


def main() -> None:
    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    rows = []
    for c in pycountry.countries:
        long_name = zh.gettext(c.name)
        common = getattr(c, "common_name", None)
        short = zh.gettext(common) if common else long_name
        aliases = {long_name}
        if c.alpha_2 in OVERRIDES:
            short, extra = OVERRIDES[c.alpha_2]
            aliases.update(extra)
        aliases.discard(short)
        rows.append((c.alpha_2, c.alpha_3, short, "|".join(sorted(aliases)), c.name))
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["iso2", "iso3", "name_zh", "aliases_zh", "name_en"])
        w.writerows(sorted(rows))


if __name__ == "__main__":
    main()
