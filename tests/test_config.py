"""Settings: defaults, the TOML file, the environment, and what is refused."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel

from gazette.config import Settings, load_settings
from gazette.errors import ConfigError
from gazette.settings_reference import (
    GENERATED_DOCS,
    all_settings,
    default_config_text,
    main,
    with_generated_part,
)

REPOSITORY = Path(__file__).resolve().parent.parent


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
    (folder / "site").mkdir(parents=True)
    (folder / "gazette.toml").write_text('[fetch]\nmirror_dir = "site"\n')
    assert load_settings(folder / "gazette.toml").fetch.mirror_dir == (folder / "site").resolve()


def test_a_missing_mirror_dir_is_refused_when_the_settings_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "conf" / "gazette.toml"
    config.parent.mkdir()
    config.write_text('[fetch]\nmirror_dir = "site"\n')
    with pytest.raises(ConfigError) as from_file:
        load_settings(config)
    message = str(from_file.value)
    assert "fetch.mirror_dir" in message and "'site'" in message and str(config) in message
    assert str(tmp_path / "conf" / "site") in message  # where it was looked for
    (tmp_path / "conf" / "site").write_text("a file, not a folder")
    with pytest.raises(ConfigError, match="no such folder"):
        load_settings(config)
    monkeypatch.setenv("GAZETTE_FETCH__MIRROR_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(ConfigError, match=r"fetch\.mirror_dir: no such folder: .*nowhere"):
        load_settings()


@pytest.mark.parametrize(
    ("toml", "field"),
    [
        ('[fetch]\nallow_networks = ["10.0.0.0/33"]\n', "fetch.allow_networks"),
        ("[write]\nmax_words = 5\n", "write.max_words"),
        ('database_url = "mysql://x"\n', "database_url"),
        ('[[ads]]\nname = "Top Banner"\nplacement = "header"\n', "ads.0.name"),
        ('[[ads]]\nname = "top"\nplacement = "popup"\n', "ads.0.placement"),
        (f'[[ads]]\nname = "{"a" * 65}"\nplacement = "header"\n', "ads.0.name"),  # the column's 64
        ("[fetch]\ndefault_interval_minutes = inf\n", "fetch.default_interval_minutes"),
        ("[fetch]\ndefault_interval_minutes = 1e9\n", "fetch.default_interval_minutes"),
        ("[cluster]\nwindow_hours = nan\n", "cluster.window_hours"),
        ("[cluster]\nwindow_hours = 1e300\n", "cluster.window_hours"),
        ("[write.llm]\nrequests_per_minute = inf\n", "write.llm.requests_per_minute"),
        ('[site]\nbase_url = "news.example"\n', "site.base_url"),
        ('[site]\nbase_url = "javascript:alert(1)"\n', "site.base_url"),
        ('[site]\nbase_url = "https://[::1"\n', "site.base_url"),
        ('[site]\nbase_url = "https://news.example:99999"\n', "site.base_url"),
        ('[site]\nbase_url = "https://news.example/?edition=uk"\n', "site.base_url"),
    ],
)
def test_invalid_values_name_their_field(tmp_path: Path, toml: str, field: str) -> None:
    (tmp_path / "gazette.toml").write_text(toml)
    with pytest.raises(ConfigError, match=field.replace(".", r"\.")):
        load_settings()


@pytest.mark.parametrize(
    "address", ["https://news.example", "http://127.0.0.1:8000/", "https://example.org/news/"]
)
def test_a_site_address_may_have_a_port_and_a_path(tmp_path: Path, address: str) -> None:
    (tmp_path / "gazette.toml").write_text(f'[site]\nbase_url = "{address}"\n')
    assert load_settings().site.base_url == address


def test_a_list_in_the_environment_that_is_not_json_names_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GAZETTE_FETCH__ALLOW_NETWORKS", "10.0.0.0/8")
    with pytest.raises(ConfigError) as raised:
        load_settings()
    message = str(raised.value)
    assert "GAZETTE_FETCH" in message and "not valid JSON" in message
    assert "GAZETTE_FETCH__ALLOW_NETWORKS='[\"10.0.0.0/8\"]'" in message  # how to write one


def _keys(data: dict, prefix: str = "") -> set[str]:
    """Dotted names of the leaves of a nested dict; a list of tables counts as one leaf."""
    keys = set()
    for key, value in data.items():
        if isinstance(value, dict):
            keys |= _keys(value, f"{prefix}{key}.")
        elif value is not None:
            keys.add(prefix + key)
    return keys


def _models(model: type[BaseModel]) -> list[type[BaseModel]]:
    """The model and every section model below it, found from the annotations alone."""
    found = [model]
    for field in model.model_fields.values():
        for candidate in (field.annotation, *getattr(field.annotation, "__args__", ())):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                found += _models(candidate)
    return found


def test_the_starter_file_loads_back_to_exactly_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "gazette.toml"
    path.write_text(default_config_text(), encoding="utf-8")
    assert load_settings(path) == Settings()
    assert len(load_settings(path).ads) == len(Settings().ads) == 3


def test_the_starter_file_sets_every_setting_but_the_unset_ones() -> None:
    written = tomllib.loads(default_config_text())
    assert _keys(written) == _keys(Settings().model_dump())
    assert "\n# mirror_dir = " in default_config_text()  # optional, shown commented out


def test_the_starter_file_keeps_the_api_key_empty_and_points_to_the_variable() -> None:
    text = default_config_text()
    assert tomllib.loads(text)["write"]["llm"]["api_key"] == ""
    assert "GAZETTE_WRITE__LLM__API_KEY" in text


def test_every_setting_has_a_description_shown_in_the_starter_file() -> None:
    comments = " ".join(
        line.lstrip("#- ").strip()
        for line in default_config_text().splitlines()
        if line.startswith("#")
    )
    for model in _models(Settings):
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no description"
            first_words = " ".join(field.description.split()[:6])
            assert first_words in comments, f"{name}: description missing from the starter file"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("database_url", "sqlite:///elsewhere.db", "sqlite:///elsewhere.db"),
        ("write.llm.timeout_seconds", "5", 5.0),
        ("fetch.allow_networks", '["10.0.0.0/8"]', ["10.0.0.0/8"]),
    ],
)
def test_the_documented_environment_variables_work(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: object
) -> None:
    setting = next(s for s in all_settings() if s.name == name)
    assert setting.env_var is not None
    monkeypatch.setenv(setting.env_var, value)
    loaded = load_settings()
    for part in name.split("."):
        loaded = getattr(loaded, part)
    assert loaded == expected


@pytest.mark.parametrize("name", sorted(GENERATED_DOCS))
def test_the_docs_say_what_the_settings_say(name: str) -> None:
    text = (REPOSITORY / name).read_text(encoding="utf-8")
    fresh = with_generated_part(text, GENERATED_DOCS[name](), name)
    assert fresh == text, (
        f"{name} differs from the fields in gazette/config.py: run `make docs` "
        "(python -m gazette.settings_reference --write) and commit the result"
    )


def test_the_reference_names_every_setting_and_its_variable() -> None:
    reference = (REPOSITORY / "docs/configuration.md").read_text(encoding="utf-8")
    for key in _keys(Settings().model_dump()) | {"fetch.mirror_dir"}:
        assert f"### `{key}`" in reference or key == "ads", key
        variable = "GAZETTE_" + key.replace(".", "__").upper()
        assert f"`{variable}`" in reference, variable


def test_a_stale_doc_is_found_and_rewritten(tmp_path: Path) -> None:
    for name in GENERATED_DOCS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text((REPOSITORY / name).read_text(encoding="utf-8"))
    readme = tmp_path / "README.md"
    readme.write_text(readme.read_text().replace("| `site.mode` |", "| `site.moda` |"))
    assert main(["--check", "--root", str(tmp_path)]) == 1
    assert main(["--write", "--root", str(tmp_path)]) == 0
    assert main(["--check", "--root", str(tmp_path)]) == 0
    assert readme.read_text() == (REPOSITORY / "README.md").read_text()


def test_a_doc_without_markers_is_an_error() -> None:
    with pytest.raises(ValueError, match="markers"):
        with_generated_part("# Notes\n", "| table |", "notes.md")
