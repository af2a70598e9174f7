"""Settings: a TOML file over the defaults; bad values refused with the key that is wrong."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from data.catalogue import CATEGORIES
from data.settings import Settings, SettingsError, default_config_text, default_db_path, load_settings
from models.deadlines import Limit, Unit


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_file_means_the_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "absent.toml")
    assert settings == Settings()
    assert settings.timezone == "Asia/Shanghai"
    assert settings.urgent_limit == Limit(30, Unit.MINUTES)
    assert settings.regular_limit == Limit.hours(24)
    assert settings.language == "zh"


def test_the_shipped_default_file_says_what_the_defaults_are(tmp_path: Path) -> None:
    text = default_config_text()
    tomllib.loads(text)
    assert load_settings(_write(tmp_path, text)) == Settings()
    for category in CATEGORIES:
        assert category.code in text


def test_values_from_the_file_override_the_defaults(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        language = "en"
        [station]
        id = "ST-DONGSI"
        name = "东四街道"
        timezone = "Asia/Urumqi"
        [deadlines]
        urgent = "20m"
        regular = "2wd"
        [deadlines.handling]
        noise = "3wh"
        [reinspection]
        random_sample_rate = 0.25
        [reinspection.days]
        noise = 3
        [meeting]
        open_days = 5
        """,
    )
    s = load_settings(path)
    assert (s.station_id, s.station_name, s.timezone, s.language) == (
        "ST-DONGSI",
        "东四街道",
        "Asia/Urumqi",
        "en",
    )
    assert s.urgent_limit == Limit(20, Unit.MINUTES)
    assert s.regular_limit == Limit(2, Unit.WORKING_DAYS)
    assert s.handling_limit("noise") == Limit(3, Unit.WORKING_HOURS)
    assert s.handling_limit("parking") == Settings().handling_limit("parking")
    assert s.reinspect_days["noise"] == 3
    assert s.random_sample_rate == 0.25
    assert s.consult_open_days == 5


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('language = "fr"', "language"),
        ('[station]\ntimezone = "Mars/Olympus"', "station.timezone"),
        ('[deadlines]\nurgent = "soon"', "deadlines.urgent"),
        ('[deadlines.handling]\nnoise = "-3x"', "deadlines.handling.noise"),
        ("[reinspection]\nrandom_sample_rate = 1.5", "reinspection.random_sample_rate"),
        ("this is = = not toml", "config.toml"),
    ],
)
def test_a_bad_value_is_refused_naming_it(tmp_path: Path, text: str, where: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(_write(tmp_path, text))
    assert where in str(refused.value)


def test_the_database_path_honours_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHISTLE_DB", str(tmp_path / "here.db"))
    assert default_db_path() == tmp_path / "here.db"
    monkeypatch.delenv("WHISTLE_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db_path() == tmp_path / "xdg" / "whistle-desk" / "whistle.db"
    assert not (tmp_path / "xdg").exists()  # naming the path creates nothing
