"""Texts kept for training carry no phone numbers, ID numbers, mentions or known names."""

from __future__ import annotations

from moderation.masking import mask


def test_personal_data_is_masked() -> None:
    text = ("@物业小王 我是3栋的张伟 电话13912345678 座机027-87654321 "
            "身份证42010219800101123X 楼道里煤气味好大")
    masked = mask(text, names=["张伟"])
    for secret in ("13912345678", "87654321", "42010219800101123X", "小王", "张伟"):
        assert secret not in masked
    assert masked.endswith("楼道里煤气味好大")
    assert "3栋" in masked and "[电话]" in masked and "@[某人]" in masked


def test_ordinary_numbers_stay() -> None:
    assert mask("3栋2单元701 电梯停在27楼 等了20分钟") == "3栋2单元701 电梯停在27楼 等了20分钟"
    assert mask("+86 139-1234-5678 来电") == "[电话] 来电"
