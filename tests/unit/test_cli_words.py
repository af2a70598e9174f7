"""The command line's own words in the desk's language: argparse's ``usage:``, its option
groups, ``-h`` and its errors for a wrong command line were English on a Chinese desk."""

from __future__ import annotations

import pytest

from tui.cli import main

ENGLISH = (
    "usage:",
    "options",
    "positional arguments",
    "show this help",
    "error:",
    "invalid choice",
    "required",
)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as ended:
        main(argv)
    out = capsys.readouterr()
    return int(ended.value.code or 0), out.out + out.err


def test_the_help_is_chinese_throughout(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _run(["report", "scorecard", "--help"], capsys)
    assert code == 0
    assert text.startswith("用法：whistle report scorecard")
    assert "选项" in text and "显示本帮助并退出" in text
    assert not [word for word in ENGLISH if word in text]


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["report", "trend"],
            "whistle report：错误：参数 scorecard|rates|weekly|monthly：无效的选择 'trend'",
        ),
        (["export"], "whistle export：错误：缺少必需的参数：--out"),
        (["export", "--out"], "whistle export：错误：参数 --out：需要一个值"),
        (["report", "scorecard", "--frobnicate"], "whistle：错误：无法识别的参数：--frobnicate"),
    ],
)
def test_a_wrong_command_line_is_one_chinese_line(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = _run(argv, capsys)
    assert code == 2
    assert said in text and text.startswith("用法：")
    assert not [word for word in ENGLISH if word in text]


def test_the_english_desk_keeps_argparse_s_english(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _run(["--lang", "en", "report", "trend"], capsys)
    assert code == 2
    assert text.startswith("usage: whistle report")
    assert "whistle report: error: argument scorecard|rates|weekly|monthly: invalid choice: 'trend'" in text
