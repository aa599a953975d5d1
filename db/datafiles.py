"""Read the files users write (profiles, rules, schedules, notify targets): one way, one strictness.

Each file kind declares its shape as pydantic models derived from :class:`FileModel`: unknown keys
are refused, values are checked by type, and a failure becomes one line naming the file and the
place in it (``shaoxing-2012.toml: rubric › a2 › items › 3 › points: …``), never a traceback.

Files written for an older version keep loading. A model lists the keys it no longer reads in
``removed_keys`` (the key, and what to do instead): such a key is dropped with a note through
:mod:`warnings`, not refused. A renamed key is listed in ``renamed_keys`` (old name → new name)
and read under its new name, with a note saying to write the new name.
"""

from __future__ import annotations

import datetime as dt
import tomllib
import warnings
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, PlainValidator, ValidationError, model_validator

LOCATION_SEPARATOR = " › "

ModelT = TypeVar("ModelT", bound=BaseModel)


class DataFileError(ValueError):
    """A file users write is missing, is not TOML, or does not have the declared shape."""


class OutdatedKeyWarning(UserWarning):
    """A key of an older version of a file: still read (or dropped), with what to write instead."""


class FileModel(BaseModel):
    """A table of a data file: unknown keys refused, outdated keys read with a note."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    #: key → what to do instead; the key is dropped with a note.
    removed_keys: ClassVar[dict[str, str]] = {}
    #: old key → new key; the value is read under the new key, with a note.
    renamed_keys: ClassVar[dict[str, str]] = {}
    #: Name the unknown or missing key in the message, and list the keys the table takes
    #: (``unknown key 'colour' (expected one of: provisional_prizes, ties)``), at the table's place.
    keys_named_in_errors: ClassVar[bool] = False

    @model_validator(mode="before")
    @classmethod
    def _read_outdated_keys(cls, data: Any) -> Any:
        if cls.keys_named_in_errors:
            cls._check_keys(data)
        if not isinstance(data, dict) or not (cls.removed_keys or cls.renamed_keys):
            return data
        data = dict(data)
        for key, instead in cls.removed_keys.items():
            if key in data:
                del data[key]
                warnings.warn(f"'{key}' is no longer read: {instead}", OutdatedKeyWarning, 2)
        for old, new in cls.renamed_keys.items():
            if old in data:
                value = data.pop(old)
                data.setdefault(new, value)
                warnings.warn(
                    f"'{old}' is now called '{new}': write '{new}'", OutdatedKeyWarning, 2
                )
        return data

    @classmethod
    def _check_keys(cls, data: Any) -> None:
        if not isinstance(data, dict):
            raise ValueError(f"expected a table, got {type(data).__name__}")
        keys = {field.alias or name: field for name, field in cls.model_fields.items()}
        outdated = {*cls.removed_keys, *cls.renamed_keys}
        unknown = sorted(set(data) - set(keys) - outdated)
        if unknown:
            raise ValueError(cls.unknown_key_message(unknown[0], sorted(keys)))
        renamed_to = {cls.renamed_keys[old] for old in cls.renamed_keys if old in data}
        for key, field in keys.items():
            if field.is_required() and key not in data and key not in renamed_to:
                raise ValueError(cls.missing_key_message(key))

    @classmethod
    def unknown_key_message(cls, key: str, known: list[str]) -> str:
        """What to say of an unknown key, when :attr:`keys_named_in_errors` is set."""
        return f"unknown key '{key}' (expected one of: {', '.join(known)})"

    @classmethod
    def missing_key_message(cls, key: str) -> str:
        """What to say of a missing key, when :attr:`keys_named_in_errors` is set."""
        return f"missing key '{key}'"


def expect(
    label: str, test: Callable[[Any], bool], convert: Callable[[Any], Any] | None = None
) -> Any:
    """A strict value check: ``expected <label>, got <value>`` unless ``test(value)``.

    Nothing is coerced (the string ``"5"`` is no integer); ``convert`` turns an accepted value
    into the one the program reads.
    """

    def check(value: Any) -> Any:
        if not test(value):
            raise ValueError(f"expected {label}, got {value!r}")
        return convert(value) if convert else value

    return PlainValidator(check)


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _to_decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def _is_texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


Text = Annotated[str, expect("a string", lambda v: isinstance(v, str))]
Integer = Annotated[int, expect("an integer", _is_integer)]
PositiveInteger = Annotated[int, expect("a positive integer", lambda v: _is_integer(v) and v > 0)]
Boolean = Annotated[bool, expect("true or false", lambda v: isinstance(v, bool))]
Date = Annotated[dt.date, expect("a date (YYYY-MM-DD)", lambda v: isinstance(v, dt.date))]
#: A number >= 0 (points, hours, shares), read exactly as written.
Number = Annotated[
    Decimal, expect("a number >= 0", lambda v: _is_number(v) and v >= 0, _to_decimal)
]
Texts = Annotated[tuple[str, ...], expect("an array of strings", _is_texts, tuple)]
NonEmptyTexts = Annotated[
    tuple[str, ...],
    expect("a non-empty array of strings", lambda v: _is_texts(v) and bool(v), tuple),
]


def one_of(*options: str) -> Any:
    """A value among ``options``: ``expected one of 'a', 'b', got 'c'`` otherwise."""
    label = "one of " + ", ".join(repr(option) for option in options)
    return expect(label, lambda value: value in options)


def read_toml(path: Path) -> dict[str, Any]:
    """Return the TOML document at ``path``; :class:`DataFileError` in one line if it is not one."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataFileError(f"{path}: is a directory, not a file") from None
    except PermissionError:
        raise DataFileError(f"{path}: permission denied") from None
    except tomllib.TOMLDecodeError as error:
        raise DataFileError(f"{path.name}: not valid TOML: {error}") from None


def validate(
    model: type[ModelT],
    data: Any,
    source: str,
    *,
    context: dict[str, Any] | None = None,
    error: type[DataFileError] = DataFileError,
) -> ModelT:
    """Return ``data`` as ``model``; ``error`` (a :class:`DataFileError`) naming ``source``.

    ``context`` reaches the models' validators (``info.context``): what one table may name of
    another, e.g. the categories defined elsewhere in the file.
    """
    try:
        return model.model_validate(data, context=context)
    except ValidationError as problem:
        raise error(f"{source}: {describe(problem, data)}") from None


def load(model: type[ModelT], path: Path) -> ModelT:
    """Read the TOML file at ``path`` as ``model``, in one step."""
    return validate(model, read_toml(path), path.name)


def describe(error: ValidationError, data: Any = None) -> str:
    """The first problem of ``error`` in one line, its place written ``table › key``.

    Given the ``data`` validated, an entry of an array of tables is named by its ``key``
    (``rubric "a2" › item "a2.portal"``), else by its number from 1 (``rubric #2``).
    """
    first = error.errors(include_url=False)[0]
    place = LOCATION_SEPARATOR.join(_places(first["loc"], data))
    message = _message(first)
    return f"{place}: {message}" if place else message


def _places(location: tuple[Any, ...], data: Any) -> list[str]:
    parts: list[str] = []
    for part in location:
        if part in ("__root__", "[key]"):
            continue
        if isinstance(part, int) and data is not None and parts:
            entry = data[part] if isinstance(data, list) and part < len(data) else None
            key = entry.get("key") if isinstance(entry, dict) else None
            parts[-1] += f' "{key}"' if isinstance(key, str) else f" #{part + 1}"
        else:
            parts.append(str(part))
        data = _child(data, part)
    return parts


def _child(data: Any, part: Any) -> Any:
    if isinstance(data, dict):
        return data.get(part)
    if isinstance(data, list) and isinstance(part, int) and part < len(data):
        return data[part]
    return None


def _message(detail: Any) -> str:
    kind = detail["type"]
    if kind == "extra_forbidden":
        return "unknown key (a misspelling, or a key of another kind of file?)"
    if kind == "missing":
        return "required, and missing"
    message = str(detail["msg"])
    # pydantic prefixes the messages raised by our own validators.
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message
