"""A small, safe YAML reader for scenario files (untrusted text).

:func:`safe_load` is :func:`yaml.safe_load` with four extra rules:

* a mapping may not repeat a key (``key 'name' appears twice, at lines 3 and 9``): PyYAML
  silently keeps the last one, so a pasted block would quietly replace an earlier setting;
* aliases (``*name``) are capped at :data:`MAX_ALIASES` and may not refer to themselves;
* the document, with every alias expanded, may hold at most :data:`MAX_NODES` nodes, so a
  "billion laughs" file (nested aliases that expand to 10^9 items) fails in milliseconds
  instead of allocating gigabytes when the result is walked;
* nesting is capped at :data:`MAX_DEPTH` levels (PyYAML composes recursively, so a deep
  ``[[[[...`` would otherwise end in a ``RecursionError``).

:func:`read_text_capped` reads a file of at most ``max_bytes`` bytes without reading more
than that, for the file-size cap.

Every refusal is a :class:`YAMLLimitError` (a :class:`yaml.YAMLError`) with ``problem``,
``problem_mark`` (line and column) and a ``fix``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = [
    "MAX_ALIASES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "SafeScenarioLoader",
    "YAMLLimitError",
    "read_text_capped",
    "safe_load",
]

MAX_BYTES = 1024 * 1024
"""Largest scenario file read, bytes (1 MiB; the shipped scenarios are under 10 KiB)."""
MAX_ALIASES = 100
"""Most aliases (``*name``) one document may use."""
MAX_NODES = 100_000
"""Most nodes (scalars, lists, mappings) of a document once every alias is expanded."""
MAX_DEPTH = 64
"""Deepest nesting of lists and mappings."""

_MERGE_TAG = "tag:yaml.org,2002:merge"


class YAMLLimitError(yaml.YAMLError):
    """A YAML document breaks one of the rules of this module.

    Attributes
    ----------
    problem
        What is wrong, in one sentence.
    problem_mark
        Where (``.line`` and ``.column``, 0-based), or ``None``.
    fix
        What to do about it.
    """

    def __init__(self, problem: str, problem_mark: Any = None, fix: str = "") -> None:
        self.problem = problem
        self.problem_mark = problem_mark
        self.fix = fix
        super().__init__(problem)


class SafeScenarioLoader(yaml.SafeLoader):
    """:class:`yaml.SafeLoader` refusing duplicate keys, alias bombs and deep nesting."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    # -- composition: count aliases, cap depth ------------------------------------------
    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        """Compose one node, counting aliases and nesting depth."""
        if self.check_event(AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise YAMLLimitError(
                    f"more than {MAX_ALIASES} aliases (*name) in one scenario",
                    self.peek_event().start_mark,  # type: ignore[no-untyped-call]
                    "write the values out instead of repeating them through aliases.",
                )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YAMLLimitError(
                    f"lists and mappings are nested more than {MAX_DEPTH} levels deep",
                    self.peek_event().start_mark,  # type: ignore[no-untyped-call]
                    "flatten the document; scenario keys are at most a few levels deep.",
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> Node | None:
        """Compose a document and refuse it when aliases expand it past :data:`MAX_NODES`."""
        node = super().compose_document()
        if node is not None:
            _check_expanded_size(node)
        return node

    # -- construction: refuse duplicate keys --------------------------------------------
    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Build a mapping; a key given twice (merge keys ``<<`` aside) is an error."""
        if isinstance(node, MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE_TAG:
                    continue
                if not isinstance(key_node, ScalarNode):
                    continue  # SafeConstructor refuses unhashable keys itself
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                try:
                    first = seen.get(key)
                except TypeError:  # unhashable: SafeConstructor refuses it below
                    continue
                if first is None:
                    seen[key] = line
                    continue
                where = (
                    f"twice on line {line}"
                    if first == line
                    else (f"twice, at lines {first} and {line}")
                )
                raise YAMLLimitError(
                    f"key {key!r} appears {where}",
                    key_node.start_mark,
                    f"keep one '{key}:' entry (YAML would silently use the last one).",
                )
        return super().construct_mapping(node, deep=deep)


def _check_expanded_size(root: Node) -> None:
    """Count the nodes of ``root`` with aliases expanded (memoised, cycle-safe)."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()

    def size(node: Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in on_path:
            raise YAMLLimitError(
                "an alias refers to the list or mapping it is inside (a recursive document)",
                node.start_mark,
                "remove the self-referring alias.",
            )
        total = 1
        if isinstance(node, SequenceNode | MappingNode):
            on_path.add(key)
            children: list[Node] = (
                list(node.value)
                if isinstance(node, SequenceNode)
                else [n for pair in node.value for n in pair]
            )
            for child in children:
                total += size(child)
                if total > MAX_NODES:
                    raise YAMLLimitError(
                        f"the document expands to more than {MAX_NODES:,} values once its "
                        "aliases (*name) are expanded (an alias bomb?)",
                        child.start_mark,
                        "write the scenario without nested aliases.",
                    )
            on_path.discard(key)
        sizes[key] = total
        return total

    size(root)


def safe_load(text: str) -> Any:
    """Parse one YAML document with :class:`SafeScenarioLoader`.

    Raises
    ------
    yaml.YAMLError
        For bad syntax, or a :class:`YAMLLimitError` for a broken rule.
    """
    loader = SafeScenarioLoader(text)
    try:
        return loader.get_single_data()
    except RecursionError:  # a limit above should have caught it first
        raise YAMLLimitError(
            "the document is nested too deeply", None, "flatten the document."
        ) from None
    finally:
        loader.dispose()


def read_text_capped(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """Read a UTF-8 file of at most ``max_bytes`` bytes (reads no more than that + 1).

    Raises
    ------
    YAMLLimitError
        When the file is larger than ``max_bytes``.
    OSError, UnicodeDecodeError
        When it cannot be read or is not UTF-8.
    """
    with path.open("rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise YAMLLimitError(
            f"the file is larger than {max_bytes:,} bytes ({max_bytes / 2**20:g} MiB)",
            None,
            f"scenarios are short text files; keep it under {max_bytes / 2**20:g} MiB and put "
            "large data in the geodata files it names.",
        )
    return data.decode("utf-8")
