"""The status machine (model.status): the transitions it allows and the refusals' words."""

from __future__ import annotations

import pytest

from shumao.errors import ConflictError
from shumao.model import status


def test_every_status_has_its_words_for_every_audience():
    assert set(status.WORDS) == set(status.STATUSES)
    assert list(status.BOARD_ZH) == ["draft", "submitted", "pending", "returned", "approved"]
    assert status.FILING_ZH["submitted"] == "待审核" and status.STATUS_ZH["submitted"] == "已提交"


def test_the_machine_allows_what_the_table_lists_and_refuses_the_rest():
    for (old, new), action in status.TRANSITIONS.items():
        assert status.check(old, new) == action
    refused = [(old, new) for old in (None, *status.STATUSES) for new in status.STATUSES
               if (old, new) not in status.TRANSITIONS]
    for old, new in refused:
        with pytest.raises(ConflictError, match="该记录"):
            status.check(old, new)


@pytest.mark.parametrize(("old", "new", "words"), [
    ("submitted", "submitted", "该记录已提交，正在等待审核"),
    ("approved", "draft", "该记录当前状态为“审核通过”，只有草稿或被退回的记录可以修改或提交"),
    ("returned", "submitted", "该记录当前状态为“退回”，只有草稿或被退回的记录可以修改或提交"),
    ("draft", "approved", "该记录当前状态为“草稿”，不能通过"),
    ("returned", "returned", "该记录当前状态为“退回”，不能退回"),
])
def test_a_refusal_says_what_the_record_is_and_what_was_tried(old, new, words):
    with pytest.raises(ConflictError) as e:
        status.check(old, new)
    assert str(e.value) == words
