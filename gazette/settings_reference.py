"""The starter `gazette.toml`, generated from the fields of `gazette/config.py`.

`gazette init` writes this file. It is rendered from the pydantic fields (their defaults,
constraints, `description` and `examples`), so that a setting is described in one place only
and the file always lists every setting and loads back to exactly the defaults.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo

from gazette.config import Settings

ENV_PREFIX = "GAZETTE_"


@dataclass(frozen=True)
class Setting:
    """One field of a TOML table, with everything the generated texts say about it."""

    table: tuple[str, ...]
    key: str
    info: FieldInfo
    in_array: bool = False  # a field of each [[ads]] table: no variable of its own

    @property
    def name(self) -> str:
        return ".".join((*self.table, self.key))

    @property
    def env_var(self) -> str | None:
        if self.in_array:
            return None
        return ENV_PREFIX + "__".join((*self.table, self.key)).upper()

    @property
    def description(self) -> str:
        return self.info.description or ""

    @property
    def required(self) -> bool:
        return self.info.is_required()

    @property
    def default(self) -> Any:
        return self.info.get_default(call_default_factory=True)

    @property
    def secret(self) -> bool:
        return self.info.annotation is SecretStr


@dataclass(frozen=True)
class Table:
    """A TOML table: the top level, `[site]`, `[write.llm]`, or an array such as `[[ads]]`."""

    path: tuple[str, ...]
    description: str
    settings: list[Setting]
    field: Setting | None = None  # the parent's field that holds this table
    array_items: list[BaseModel] | None = None  # the default tables of an array

    @property
    def header(self) -> str:
        name = ".".join(self.path)
        return f"[[{name}]]" if self.array_items is not None else f"[{name}]"


def settings_tables() -> list[Table]:
    """Every table of the settings, in the order a TOML file must give them."""
    return _tables(Settings, (), "", None)


def _tables(
    model: type[BaseModel], path: tuple[str, ...], description: str, field: Setting | None
) -> list[Table]:
    values: list[Setting] = []
    below: list[Table] = []
    for key, info in model.model_fields.items():
        setting = Setting(path, key, info)
        inner = _model_in(info.annotation)
        if inner is None:
            values.append(setting)
        elif get_origin(info.annotation) is list:
            items = [Setting((*path, key), k, i, True) for k, i in inner.model_fields.items()]
            table = Table((*path, key), setting.description, items, setting, setting.default)
            below.append(table)
        else:
            below.extend(_tables(inner, (*path, key), setting.description, setting))
    own = Table(path, description, values, field)
    # Arrays of tables go last: in TOML, whatever follows one would belong to its last table.
    below.sort(key=lambda table: table.array_items is not None)
    return [own, *below]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, itself or as the items of a list; None for a plain value."""
    if get_origin(annotation) is list:
        annotation = get_args(annotation)[0]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def all_settings() -> list[Setting]:
    return [setting for table in settings_tables() for setting in table.settings]


# Describing one setting


def toml_value(value: Any) -> str:
    """A default as it is written in TOML (the basic strings of TOML escape as JSON does)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if isinstance(value, str | Path):
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


# Constraint attributes of the metadata pydantic keeps for `Field(gt=..., le=..., ...)`.
BOUND_WORDS = {"gt": "more than", "ge": "at least", "lt": "less than", "le": "at most"}


def allowed_values(setting: Setting) -> str:
    """The field's constraints in words ("more than 0, at most 120"); empty when none."""
    rules = []
    annotation = setting.info.annotation
    if get_origin(annotation) is Literal:
        rules.append("one of " + ", ".join(toml_value(value) for value in get_args(annotation)))
    for rule in setting.info.metadata:
        for attribute, words in BOUND_WORDS.items():
            if (bound := getattr(rule, attribute, None)) is not None:
                rules.append(f"{words} {bound}")
        if length := getattr(rule, "min_length", None):
            rules.append(f"at least {length} character{'s' * (length != 1)}")
        if pattern := getattr(rule, "pattern", None):
            rules.append(f"matching `{pattern}`")
    return ", ".join(rules)


def _example(setting: Setting) -> str | None:
    examples = setting.info.examples
    return toml_value(examples[0]) if examples else None


# The starter gazette.toml

CONFIG_HEADER = f"""\
# Gazette's settings. Every value below is the default; change what you need.
# Environment variables override this file: {ENV_PREFIX}<SECTION>__<FIELD>, for example
# {ENV_PREFIX}SITE__MODE=development or {ENV_PREFIX}WRITE__LLM__API_KEY=... (lists as JSON).
"""


def default_config_text() -> str:
    """A commented gazette.toml with every setting at its default, written by `gazette init`.

    It loads back to exactly `Settings()`: optional settings with no default are commented
    out, secrets are left empty, and an array of tables lists every default table."""
    lines = [CONFIG_HEADER.rstrip("\n")]
    for table in settings_tables():
        if table.array_items is not None:
            lines += ["", *_comment(table.description), f"# Each {table.header} table has:"]
            for setting in table.settings:
                lines += _comment(" ".join(_notes(setting)), first=f"- {setting.key}: ")
            for item in table.array_items:
                lines += ["", table.header]
                lines += [f"{key} = {toml_value(value)}" for key, value in item]
            continue
        if table.path:
            lines += ["", *_comment(table.description), table.header]
        for setting in table.settings:
            lines.append("")
            for note in _notes(setting):
                lines += _comment(note)
            lines.append(_toml_assignment(setting))
    return "\n".join(lines) + "\n"


def _notes(setting: Setting) -> list[str]:
    """What the starter file says above a setting: its description, then the rules."""
    notes = [setting.description]
    if allowed := allowed_values(setting):
        notes.append(f"Allowed: {allowed}.")
    if setting.secret:
        notes.append(f"Better kept out of this file: set {setting.env_var} instead.")
    elif (example := _example(setting)) and setting.default is not None:
        notes.append(f"For example: {example}")
    return notes


def _toml_assignment(setting: Setting) -> str:
    if setting.default is None:
        example = _example(setting)
        if example is None:
            raise ValueError(f"{setting.name} has no default, so it needs an example to show")
        return f"# {setting.key} = {example}"
    return f"{setting.key} = {toml_value(setting.default)}"


def _comment(text: str, first: str = "") -> list[str]:
    indent = "# " + " " * len(first)
    return textwrap.wrap(text, width=96, initial_indent="# " + first, subsequent_indent=indent)
