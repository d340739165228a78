"""The safe YAML reader: duplicate keys, alias bombs, deep nesting, the size cap."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from lowalt.scenario._yaml import (
    MAX_ALIASES,
    MAX_DEPTH,
    YAMLLimitError,
    read_text_capped,
    safe_load,
)

LOL = "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9) if i else ', '.join(['lol'] * 9)}]\n"
    for i in range(10)
)


def _refused(text: str) -> YAMLLimitError:
    with pytest.raises(YAMLLimitError) as e:
        safe_load(text)
    return e.value


def test_plain_documents_load_as_with_safe_load() -> None:
    text = "name: a\nlist: [1, 2.5, .inf, null, true]\nnested: {k: v, n: {x: 1}}\n"
    assert safe_load(text) == yaml.safe_load(text)


def test_duplicate_key_names_both_lines() -> None:
    e = _refused("name: a\nx: 1\nname: b\n")
    assert "'name' appears twice, at lines 1 and 3" in e.problem
    assert e.problem_mark.line == 2
    assert "name:" in e.fix


def test_duplicate_key_in_a_nested_flow_mapping() -> None:
    e = _refused("a:\n  b: {k: 1, k: 2}\n")
    assert "'k' appears twice on line 2" in e.problem


def test_duplicate_keys_in_list_items_are_separate_mappings() -> None:
    assert safe_load("- {name: a}\n- {name: a}\n") == [{"name": "a"}, {"name": "a"}]


def test_equal_keys_of_different_types_are_duplicates_when_yaml_equal() -> None:
    e = _refused("1: a\n1: b\n")
    assert "appears twice" in e.problem
    assert safe_load("1: a\n'1': b\n") == {1: "a", "1": "b"}


def test_merge_keys_may_be_overridden() -> None:
    text = "base: &b {speed: 1, alt: 2}\nuse:\n  <<: *b\n  speed: 3\n"
    assert safe_load(text)["use"] == {"speed": 3, "alt": 2}


def test_a_few_aliases_are_fine() -> None:
    assert safe_load("a: &x [1, 2]\nb: *x\n") == {"a": [1, 2], "b": [1, 2]}


def test_billion_laughs_fails_fast() -> None:
    assert len(LOL) < 1024
    t = time.perf_counter()
    e = _refused(LOL)
    assert time.perf_counter() - t < 2.0
    assert "aliases" in e.problem and "100,000" in e.problem


def test_too_many_aliases() -> None:
    text = "a: &x 1\nb: [" + ", ".join(["*x"] * (MAX_ALIASES + 1)) + "]\n"
    assert f"more than {MAX_ALIASES} aliases" in _refused(text).problem


def test_recursive_alias() -> None:
    assert "recursive" in _refused("a: &x [1, *x]\n").problem


def test_deep_nesting_is_refused_without_recursion_error() -> None:
    e = _refused("a: " + "[" * 100_000)
    assert f"more than {MAX_DEPTH} levels" in e.problem
    assert safe_load("a: " + "[" * 10 + "]" * 10) == {"a": [[[[[[[[[[]]]]]]]]]]}


def test_syntax_errors_stay_yaml_errors() -> None:
    with pytest.raises(yaml.YAMLError):
        safe_load("name: [unclosed\n")


def test_read_text_capped(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text("name: a\n")
    assert read_text_capped(p, 100) == "name: a\n"
    p.write_text("x" * 101)
    with pytest.raises(YAMLLimitError, match="larger than 100 bytes"):
        read_text_capped(p, 100)
    p.write_bytes(b"\xff\xfe")
    with pytest.raises(UnicodeDecodeError):
        read_text_capped(p, 100)


def test_shipped_scenarios_load_the_same() -> None:
    for p in sorted((Path(__file__).resolve().parent.parent / "scenarios").glob("*.yaml")):
        text = p.read_text(encoding="utf-8")
        assert safe_load(text) == yaml.safe_load(text), p.name
