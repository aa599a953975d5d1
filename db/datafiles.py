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

import tomllib
import warnings
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

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

    @model_validator(mode="before")
    @classmethod
    def _read_outdated_keys(cls, data: Any) -> Any:
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


def validate(model: type[ModelT], data: Any, source: str) -> ModelT:
    """Return ``data`` as ``model``; :class:`DataFileError` naming ``source`` and the place."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise DataFileError(f"{source}: {describe(error)}") from None


def load(model: type[ModelT], path: Path) -> ModelT:
    """Read the TOML file at ``path`` as ``model``, in one step."""
    return validate(model, read_toml(path), path.name)


def describe(error: ValidationError) -> str:
    """The first problem of ``error`` in one line, its place written ``table › key``."""
    first = error.errors(include_url=False)[0]
    place = LOCATION_SEPARATOR.join(str(part) for part in first["loc"] if part != "__root__")
    message = _message(first)
    return f"{place}: {message}" if place else message


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
