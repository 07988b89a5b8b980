"""Frozen dataclass configs: command-line flags, config files, overrides and hashes.

Every field of a nested config dataclass becomes one dotted flag, such as
``--behaviour.generation.max_new_tokens 32``. Its help text is the field's entry in the
class docstring's ``Attributes:`` section, so each field is documented exactly once. A JSON or
TOML file supplies the same keys as nested tables. Precedence: defaults, then the file, then
flags.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import re
import tomllib
import types
import typing
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin

Config = TypeVar("Config")


def field_docs(cls: type) -> dict[str, str]:
    """Parse the ``Attributes:`` section of a dataclass docstring into ``{field: text}``."""
    doc = cls.__doc__ or ""
    match = re.search(r"Attributes:\n(.*?)(?:\n\s*\n[A-Z]\w*:|\Z)", doc, re.DOTALL)
    if not match:
        return {}
    docs: dict[str, str] = {}
    current = None
    for line in match.group(1).splitlines():
        entry = re.match(r"\s{4,8}(\w+): (.*)", line)
        if entry and entry.group(1) in {f.name for f in dataclasses.fields(cls)}:
            current = entry.group(1)
            docs[current] = entry.group(2).strip()
        elif current and line.strip():
            docs[current] += " " + line.strip()
    return docs


def iter_fields(cls: type, prefix: str = "") -> Iterator[tuple[str, Any, str]]:
    """Yield ``(dotted name, type, help)`` for every leaf field of a nested dataclass."""
    hints = typing.get_type_hints(cls)
    docs = field_docs(cls)
    for field in dataclasses.fields(cls):
        name = f"{prefix}{field.name}"
        kind = hints[field.name]
        if dataclasses.is_dataclass(kind):
            yield from iter_fields(kind, prefix=f"{name}.")
        else:
            yield name, kind, docs.get(field.name, "")


def add_config_arguments(
    parser: argparse.ArgumentParser, cls: type, *, exclude: Collection[str] = ()
) -> None:
    """Add one ``--dotted.name`` option per leaf field of ``cls``, defaulting to unset.

    Fields named in ``exclude`` get no option, for those the caller sets another way.
    """
    group = parser.add_argument_group(f"{cls.__name__} fields")
    for name, kind, help_text in iter_fields(cls):
        if name in exclude:
            continue
        choices = _literal_choices(kind)
        if choices:
            help_text = f"{help_text} (choices: {', '.join(map(str, choices))})"
        group.add_argument(
            f"--{name}",
            dest=f"config:{name}",
            default=None,
            metavar=_metavar(kind),
            # argparse formats help with %, so a literal percent sign must be doubled.
            help=help_text.replace("%", "%%"),
        )


def overrides_from_args(args: argparse.Namespace) -> dict[str, str]:
    """Collect the ``--dotted.name`` options that were given on the command line."""
    return {
        key.removeprefix("config:"): value
        for key, value in vars(args).items()
        if key.startswith("config:") and value is not None
    }


def load_config_file(path: str | Path) -> dict[str, Any]:
    """Read a JSON or TOML config file into flat ``{dotted name: value}`` overrides."""
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"config file not found: {file}")
    if file.suffix == ".toml":
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    elif file.suffix == ".json":
        data = json.loads(file.read_text(encoding="utf-8"))
    else:
        raise ValueError(f"config file {file} must end in .json or .toml")
    return _flatten(data)


def apply_overrides(config: Config, overrides: Mapping[str, Any]) -> Config:
    """Return a copy of ``config`` with dotted-name overrides applied and type-converted.

    Raises:
        ValueError: a name is not a field, or a value cannot be converted to the field's type.
    """
    for name, value in overrides.items():
        config = _replace_path(config, name.split("."), value, name)
    return config


def to_dict(config: Any) -> Any:
    """Convert a config (nested dataclasses, tuples) to JSON-ready data."""
    if dataclasses.is_dataclass(config) and not isinstance(config, type):
        return {f.name: to_dict(getattr(config, f.name)) for f in dataclasses.fields(config)}
    if isinstance(config, (tuple, list)):
        return [to_dict(value) for value in config]
    if isinstance(config, Path):
        return str(config)
    return config


def config_hash(*parts: Any) -> str:
    """Return a short, stable hash of JSON-serialisable parts (configs are converted first)."""
    payload = json.dumps([to_dict(part) for part in parts], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _replace_path(config: Any, path: list[str], value: Any, full_name: str) -> Any:
    if not dataclasses.is_dataclass(config):
        raise ValueError(f"unknown config field {full_name!r}")
    names = {field.name for field in dataclasses.fields(config)}
    head = path[0]
    if head not in names:
        raise ValueError(f"unknown config field {full_name!r}; valid fields here: {sorted(names)}")
    if len(path) > 1:
        inner = _replace_path(getattr(config, head), path[1:], value, full_name)
        return dataclasses.replace(config, **{head: inner})
    kind = typing.get_type_hints(type(config))[head]
    return dataclasses.replace(config, **{head: convert(value, kind, full_name)})


def convert(value: Any, kind: Any, name: str = "value") -> Any:
    """Convert a string or JSON value to the annotated type of a config field."""
    origin = get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [option for option in get_args(kind) if option is not type(None)]
        is_none = value is None or (isinstance(value, str) and value.lower() in ("none", "null"))
        if is_none and type(None) in get_args(kind):
            return None
        for option in options:
            try:
                return convert(value, option, name)
            except ValueError:
                continue
        raise ValueError(f"{name}: cannot convert {value!r} to {kind}")
    if origin is Literal:
        for choice in get_args(kind):
            if str(choice) == str(value):
                return choice
        raise ValueError(f"{name}: {value!r} is not one of {list(get_args(kind))}")
    if origin is tuple:
        items = _split_list(value)
        inner = get_args(kind)[0] if get_args(kind) else str
        return tuple(convert(item, inner, name) for item in items)
    return _convert_scalar(value, kind, name)


def _convert_scalar(value: Any, kind: Any, name: str) -> Any:
    try:
        if kind is bool:
            if isinstance(value, bool):
                return value
            lowered = str(value).lower()
            if lowered not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(value)
            return lowered in ("true", "1", "yes")
        if kind is int:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError(value)
            return int(value)
        if kind is float:
            return float(value)
        if kind is str:
            return str(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name}: cannot convert {value!r} to {kind.__name__}") from error
    return value


def _split_list(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    text = str(value).strip()
    if text.startswith("["):
        return json.loads(text)
    return [part.strip() for part in text.split(",") if part.strip()]


def _literal_choices(kind: Any) -> tuple[Any, ...]:
    if get_origin(kind) is Literal:
        return get_args(kind)
    if get_origin(kind) in (typing.Union, types.UnionType):
        for option in get_args(kind):
            if get_origin(option) is Literal:
                return get_args(option)
    return ()


def _metavar(kind: Any) -> str:
    if get_origin(kind) is tuple:
        return "A,B,..."
    names = {int: "INT", float: "FLOAT", bool: "BOOL", str: "TEXT"}
    return names.get(kind, "VALUE")
