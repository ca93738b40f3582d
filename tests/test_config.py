"""Settings: defaults, the TOML file, the environment, and what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from gazette.config import Settings, default_config_text, load_settings
from gazette.errors import ConfigError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in [n for n in __import__("os").environ if n.startswith("GAZETTE_")]:
        monkeypatch.delenv(name)


def test_defaults_without_a_file() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite:///gazette.db"
    assert settings.cluster.window_hours == 72 and settings.write.max_words == 250
    assert settings.fetch.allow_networks == [] and settings.site.mode == "production"


def test_the_environment_overrides_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "gazette.toml").write_text('[cluster]\nwindow_hours = 24\n[site]\ntitle = "File"\n')
    monkeypatch.setenv("GAZETTE_CLUSTER__WINDOW_HOURS", "48")
    settings = load_settings()
    assert settings.cluster.window_hours == 48  # environment
    assert settings.site.title == "File"  # file
    assert settings.write.max_words == 250  # default


def test_mirror_dir_is_relative_to_the_config_file(tmp_path: Path) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    (folder / "gazette.toml").write_text('[fetch]\nmirror_dir = "site"\n')
    assert load_settings(folder / "gazette.toml").fetch.mirror_dir == (folder / "site").resolve()


@pytest.mark.parametrize(
    ("toml", "field"),
    [
        ('[fetch]\nallow_networks = ["10.0.0.0/33"]\n', "fetch.allow_networks"),
        ("[write]\nmax_words = 5\n", "write.max_words"),
        ('database_url = "mysql://x"\n', "database_url"),
        ('[[ads]]\nname = "Top Banner"\nplacement = "header"\n', "ads.0.name"),
        ('[[ads]]\nname = "top"\nplacement = "popup"\n', "ads.0.placement"),
    ],
)
def test_invalid_values_name_their_field(tmp_path: Path, toml: str, field: str) -> None:
    (tmp_path / "gazette.toml").write_text(toml)
    with pytest.raises(ConfigError, match=field.replace(".", r"\.")):
        load_settings()


def test_the_default_config_text_is_valid_and_complete(tmp_path: Path) -> None:
    (tmp_path / "gazette.toml").write_text(default_config_text())
    loaded = load_settings()
    defaults = Settings()
    assert loaded.cluster == defaults.cluster and loaded.write == defaults.write
    assert loaded.fetch == defaults.fetch and loaded.site == defaults.site
