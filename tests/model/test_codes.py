"""Reference data: every group member resolves to a country; the lists have their sizes."""

import datetime as dt

from shumao.model.codes import aliases, builtin_group, country_aliases, load_group, norm, usual_currencies


def test_country_words():
    look = country_aliases()
    for word, iso in [("日本", "JP"), ("JPN", "JP"), ("jp", "JP"), ("中国香港", "HK"), ("香港", "HK"),
                      ("中国台湾", "TW"), ("韩国", "KR"), ("大韩民国", "KR"), ("中国", "CN"),
                      ("刚果（金）", "CD"), ("荷兰", "NL"), ("ＪＰ", "JP")]:
        assert look[norm(word)] == iso, word


def test_groups():
    on = dt.date(2024, 6, 30)
    assert len(builtin_group("rcep").members_on(on)) == 15
    assert len(builtin_group("bri_route65").members_on(on)) == 65
    partners = builtin_group("bri_partners")
    assert len(partners.members_on(on)) == 152
    assert "IT" in partners.members_on(dt.date(2021, 1, 1)) and "IT" not in partners.members_on(on)
    assert "KR" in partners.members_on(on) and "KR" not in builtin_group("bri_route65").members_on(on)
    assert builtin_group("rcep").members_on(dt.date(2019, 12, 31)) == []
    assert "yidaiyilu" in partners.source


def test_user_group(tmp_path):
    p = tmp_path / "my.csv"
    p.write_text("# 我的重点市场\ncountry,joined_on\n日本,\nUSA,2024-01-01\n", encoding="utf-8")
    g = load_group(p)
    assert g.members_on(dt.date(2023, 6, 1)) == ["JP"]
    assert g.members_on(dt.date(2024, 6, 1)) == ["JP", "US"]


def test_the_forms_currencies_are_known_codes_in_the_menus_order():
    usual = usual_currencies()
    assert usual[:3] == ("USD", "CNY", "EUR") and len(usual) == len(set(usual)) == 11
    assert set(usual) <= set(aliases("currencies").values())
    assert aliases("currencies")[norm("泰铢")] == "THB" and "THB" not in usual   # accepted, not listed
