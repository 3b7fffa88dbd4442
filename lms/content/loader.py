"""Reading course files: YAML that remembers the line of every key and item, and Markdown with front matter.

Nothing here judges the content; it only parses, and turns syntax errors into :class:`Problem` rows with the file and
line, so the author sees every problem at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the files, reported as ``file:line: message``."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class Problems(list[Problem]):
    def add(self, path: Path, line: int, message: str) -> None:
        self.append(Problem(path, max(int(line), 1), message))


class LineDict(dict[str, Any]):
    """A YAML mapping. ``line`` is where it starts; :meth:`line_of` where a key's value is (or the key, or the map)."""

    line: int = 1

    def __init__(self) -> None:
        super().__init__()
        self.key_lines: dict[str, int] = {}
        self.value_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        return self.value_lines.get(key) or self.key_lines.get(key) or self.line

    def key_line(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A YAML sequence; ``item_lines[i]`` is the line of item ``i``."""

    line: int = 1

    def __init__(self) -> None:
        super().__init__()
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


class _Builder:
    """Turns composed YAML nodes into plain values, keeping line numbers and catching duplicate keys (which
    PyYAML would silently let the last one win)."""

    def __init__(self, loader: yaml.SafeLoader, path: Path, problems: Problems) -> None:
        self.loader, self.path, self.problems = loader, path, problems

    def build(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node)
        if isinstance(node, yaml.SequenceNode):
            result = LineList()
            result.line = _line(node)
            for item in node.value:
                result.append(self.build(item))
                result.item_lines.append(_line(item))
            return result
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode) -> LineDict:
        result = LineDict()
        result.line = _line(node)
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.add(self.path, _line(key_node), "a key must be a plain word")
                continue
            key = key_node.value  # the text as written: "no:" and "on:" stay words, not booleans
            if key in result:
                self.problems.add(self.path, _line(key_node),
                                  f"duplicate key {key!r} (first on line {result.key_lines[key]})")
                continue
            result[key] = self.build(value_node)
            result.key_lines[key] = _line(key_node)
            result.value_lines[key] = _line(value_node)
        return result


def parse_yaml(text: str, path: Path, problems: Problems) -> Any:
    """The YAML document in ``text`` with line numbers, or None after adding a problem."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            problems.add(path, 1, "the file is empty")
            return None
        return _Builder(loader, path, problems).build(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = " ".join(part for part in (exc.context, exc.problem) if part)
        problems.add(path, mark.line + 1 if mark else 1, f"YAML syntax error: {reason or exc}")
    except yaml.YAMLError as exc:
        problems.add(path, 1, f"YAML error: {exc}")
    finally:
        loader.dispose()
    return None


def read_text(path: Path, problems: Problems) -> str | None:
    try:
        return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        problems.add(path, line, "the file is not UTF-8 text")
    except OSError as exc:
        problems.add(path, 1, f"cannot read the file: {exc.strerror or exc}")
    return None


def load_yaml_file(path: Path, problems: Problems) -> Any:
    text = read_text(path, problems)
    return None if text is None else parse_yaml(text, path, problems)


@dataclass
class MarkdownFile:
    """A lesson file: its front matter (with line numbers), its body and the line the body starts on."""

    meta: LineDict
    body: str
    body_line: int


def load_markdown_file(path: Path, problems: Problems) -> MarkdownFile | None:
    """Split ``---`` front matter from the Markdown body; line numbers refer to the whole file."""
    text = read_text(path, problems)
    if text is None:
        return None
    lines = text.split("\n")
    if lines[0].strip() != "---":
        problems.add(path, 1, "a lesson file starts with front matter: a '---' line, 'title: ...', then '---'")
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        problems.add(path, 1, "the front matter is not closed by a '---' line")
        return None
    if not "".join(lines[1:end]).strip():
        problems.add(path, 2, "the front matter is empty: it needs at least 'title: ...'")
        return None
    # A blank first line keeps the YAML parser's line numbers equal to the file's.
    meta = parse_yaml("\n" + "\n".join(lines[1:end]) + "\n", path, problems)
    if meta is None:
        return None
    if not isinstance(meta, LineDict):
        problems.add(path, 2, "the front matter must be 'key: value' lines")
        return None
    return MarkdownFile(meta=meta, body="\n".join(lines[end + 1:]).strip(), body_line=end + 2)
