from __future__ import annotations

import pandas as pd

from kit.privacy import hash_series, is_valid_id_card, mask_series, mask_text


def test_id_card_checksum_standard_example():
    # GB 11643-1999 gives 11010519491231002X as its worked example
    assert is_valid_id_card("11010519491231002X")
    assert not is_valid_id_card("110105194912310020")


def test_masking_leaves_ordinary_numbers():
    assert mask_text("共发放3000元，覆盖80个村") == "共发放3000元，覆盖80个村"
    assert mask_text("电话0564-3312345") == "电话〔电话已隐去〕"
    assert mask_text("来自183.192.16.69") == "来自〔IP已隐去〕"
    s = mask_series(pd.Series(["打13912345678", None, "好"], dtype=object))
    assert s.tolist()[0] == "打〔电话已隐去〕" and pd.isna(s[1]) and s[2] == "好"


def test_hash_is_salted_stable_and_normalised(monkeypatch):
    monkeypatch.setenv("KIT_SALT", "a-test-salt-of-16+chars")
    h1 = hash_series(pd.Series(["139 1234 5678", "13912345678", None]), "phone")
    assert h1[0] == h1[1] and pd.isna(h1[2]) and "1391234" not in h1[0]
    monkeypatch.setenv("KIT_SALT", "b-test-salt-of-16+chars")
    assert hash_series(pd.Series(["13912345678"]), "phone")[0] != h1[0]
