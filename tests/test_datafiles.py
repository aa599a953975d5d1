"""The one reader of users' files: strict values, one-line errors naming the place, old keys."""

from __future__ import annotations

from typing import Annotated, ClassVar

import pytest

from db.datafiles import (
    DataFileError,
    FileModel,
    Integer,
    OutdatedKeyWarning,
    Text,
    one_of,
    validate,
)


class Column(FileModel):
    keys_named_in_errors: ClassVar[bool] = True
    removed_keys: ClassVar[dict[str, str]] = {"proxy_path": "the proxy path is read from the page"}

    key: Text
    list_kind: Annotated[str, one_of("jpage", "html")]
    max_pages: Integer = 5


class Profile(FileModel):
    keys_named_in_errors: ClassVar[bool] = True

    name: Text
    column: tuple[Column, ...]


def _error(data: dict) -> str:
    with pytest.raises(DataFileError) as raised:
        validate(Profile, data, "site.toml")
    return str(raised.value)


def test_an_entry_of_an_array_of_tables_is_named_by_its_key_else_by_its_number():
    named = {"name": "x", "column": [{"key": "a", "list_kind": "jpage"}, {"key": "b"}]}
    assert _error(named) == "site.toml: column \"b\": missing key 'list_kind'"
    unnamed = {"name": "x", "column": [{"list_kind": "jpage"}]}
    assert _error(unnamed) == "site.toml: column #1: missing key 'key'"


def test_an_unknown_key_is_named_with_the_keys_the_table_takes():
    data = {"name": "x", "column": [{"key": "a", "list_kind": "jpage", "max_page": 3}]}
    assert _error(data) == (
        "site.toml: column \"a\": unknown key 'max_page' (expected one of: key, list_kind, "
        "max_pages)"
    )


def test_values_are_not_coerced_and_choices_are_listed():
    data = {"name": "x", "column": [{"key": "a", "list_kind": "jpage", "max_pages": "3"}]}
    assert _error(data) == "site.toml: column \"a\" › max_pages: expected an integer, got '3'"
    data = {"name": "x", "column": [{"key": "a", "list_kind": "ajax"}]}
    assert _error(data) == (
        "site.toml: column \"a\" › list_kind: expected one of 'jpage', 'html', got 'ajax'"
    )


def test_a_removed_key_is_read_with_a_note_saying_what_to_do_instead():
    data = {"name": "x", "column": [{"key": "a", "list_kind": "jpage", "proxy_path": "/p"}]}
    with pytest.warns(OutdatedKeyWarning, match="'proxy_path' is no longer read: the proxy"):
        profile = validate(Profile, data, "site.toml")
    assert profile.column[0].max_pages == 5
