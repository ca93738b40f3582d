"""The settings reference, generated from the fields of `gazette/config.py`.

Three texts describe the settings: the starter `gazette.toml` that `gazette init` writes, the
table of main settings in README.md, and the full reference in docs/configuration.md. All three
are rendered here from the pydantic fields (their defaults, constraints, `description`,
`examples` and the `MAIN_SETTING` marker), so a setting is described in one place only. The
docs keep their generated part between two marker comments; the test suite fails while it
differs from what the fields give.

    python -m gazette.settings_reference --write   # rewrite README.md and docs/configuration.md
    python -m gazette.settings_reference --check   # exit 1 when either is out of date
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo

from gazette.config import Settings

ENV_PREFIX = "GAZETTE_"
REGENERATE_COMMAND = "make docs"
START_MARKER = (
    f"<!-- settings:start: generated from gazette/config.py by `{REGENERATE_COMMAND}` -->"
)
END_MARKER = "<!-- settings:end -->"
REFERENCE_DOC = "docs/configuration.md"


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

    @property
    def main(self) -> bool:
        extra = self.info.json_schema_extra
        return isinstance(extra, dict) and bool(extra.get("main"))


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


def type_name(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin is Literal:
        return "string"
    if origin is list:
        return f"list of {type_name(get_args(annotation)[0])}s"
    if origin in (Union, types.UnionType):
        present = [arg for arg in get_args(annotation) if arg is not type(None)]
        return f"{type_name(present[0])}, optional"
    names = {bool: "boolean", int: "integer", float: "number", str: "string", Path: "path"}
    return "string, secret" if annotation is SecretStr else names.get(annotation, str(annotation))


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
# Every setting is described in {REFERENCE_DOC} in Gazette's source.
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


# docs/configuration.md and README.md


def _default_words(setting: Setting) -> str:
    if setting.required:
        return "required"
    if setting.default is None:
        return "unset"
    return f"`{toml_value(setting.default)}`"


def reference_markdown() -> str:
    """Every setting: its variable, type, default, allowed values and description."""
    blocks = []
    for table in settings_tables():
        blocks.append(f"## `{table.header}`" if table.path else "## Top level")
        if table.description:
            blocks.append(table.description)
        if table.array_items is not None:
            blocks.append(_array_overview(table))
        for setting in table.settings:
            blocks.append(_setting_markdown(setting))
    return "\n\n".join(blocks) + "\n"


def _setting_markdown(setting: Setting) -> str:
    name = f"{'.'.join(setting.table)}[].{setting.key}" if setting.in_array else setting.name
    facts = []
    if setting.env_var:
        how = " (as JSON)" if get_origin(setting.info.annotation) is list else ""
        how = " (better than writing it in the file)" if setting.secret else how
        facts.append(f"environment: `{setting.env_var}`{how}")
    facts += [f"type: {type_name(setting.info.annotation)}", f"default: {_default_words(setting)}"]
    if allowed := allowed_values(setting):
        facts.append(f"allowed: {allowed}")
    if example := _example(setting):
        facts.append(f"example: `{example}`")
    bullets = "\n".join(f"- {fact}" for fact in facts)
    return f"### `{name}`\n\n{setting.description}\n\n{bullets}"


def _array_overview(table: Table) -> str:
    assert table.field is not None and table.array_items is not None
    defaults = "\n\n".join(
        f"{table.header}\n" + "\n".join(f"{k} = {toml_value(v)}" for k, v in item)
        for item in table.array_items
    )
    return (
        f"- environment: `{table.field.env_var}`, the whole list as JSON\n"
        f"- default: {len(table.array_items)} tables:\n\n```toml\n{defaults}\n```"
    )


def readme_table() -> str:
    """The main settings (marked `MAIN_SETTING`), one row each."""
    rows = ["| setting | default | meaning |", "| --- | --- | --- |"]
    for table in settings_tables():
        if table.array_items is not None and table.field is not None and table.field.main:
            names = ", ".join(f"`{getattr(item, 'name', '')}`" for item in table.array_items)
            rows.append(f"| `{table.header}` | {names} | {_cell(table.description)} |")
        for setting in table.settings:
            if setting.main and not setting.in_array:
                default = _default_words(setting)
                rows.append(f"| `{setting.name}` | {default} | {_cell(_meaning(setting))} |")
    return "\n".join(rows) + "\n"


def _meaning(setting: Setting) -> str:
    if setting.secret:
        return f"{setting.description} Best given as `{setting.env_var}`."
    if example := _example(setting):
        return f"{setting.description} For example `{example}`."
    return setting.description


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


# Keeping the docs in step

GENERATED_DOCS: dict[str, Callable[[], str]] = {
    "README.md": readme_table,
    REFERENCE_DOC: reference_markdown,
}


def with_generated_part(document: str, generated: str, name: str) -> str:
    """The document with the text between its two markers replaced by `generated`."""
    before, start, rest = document.partition(START_MARKER)
    _, end, after = rest.partition(END_MARKER)
    if not (start and end):
        raise ValueError(f"{name} lacks the markers {START_MARKER} and {END_MARKER}")
    return f"{before}{START_MARKER}\n\n{generated.strip()}\n\n{END_MARKER}{after}"


def stale_docs(root: Path, write: bool) -> list[str]:
    """The generated docs under `root` that differ from the fields; rewritten with `write`."""
    stale = []
    for name, render in GENERATED_DOCS.items():
        path = root / name
        current = path.read_text(encoding="utf-8")
        fresh = with_generated_part(current, render(), name)
        if fresh != current:
            stale.append(name)
            if write:
                path.write_text(fresh, encoding="utf-8")
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help="rewrite the stale docs")
    action.add_argument("--check", action="store_true", help="exit 1 if a doc is stale")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    options = parser.parse_args(argv)
    stale = stale_docs(options.root, write=options.write)
    for name in stale:
        print(f"rewrote {name}" if options.write else f"{name} is stale: run {REGENERATE_COMMAND}")
    return 1 if stale and options.check else 0


if __name__ == "__main__":
    sys.exit(main())
