"""Writing course files' YAML and lesson Markdown (docs/course-format.md) so that :mod:`lms.content.loader` reads back
exactly the values written: PyYAML's safe dumper quotes any text YAML would read as something else (``"2026.1"``,
``"yes"``, ``"1"``), writes a text with line breaks as a literal block, and never folds a long line."""

from __future__ import annotations

from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key (``modules:`` then ``  - intro``), as the hand-written files are."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


#: Characters YAML reads as line breaks besides ``\n``: written as escapes in a quoted text, or they would come back
#: as ``\n`` or a space.
_OTHER_BREAKS = "\r\x85\u2028\u2029"


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # A literal block keeps line breaks as they are; PyYAML falls back to quoting a text a block cannot hold
    # (trailing spaces on a line, control characters).
    style = '"' if any(ch in value for ch in _OTHER_BREAKS) else "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump_yaml(data: Any) -> str:
    """``data`` (mappings keep their order) as block-style YAML, in UTF-8 characters rather than escapes."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=float("inf"))


def markdown_file(meta: dict[str, Any], body: str) -> str:
    """A lesson file: front matter between ``---`` lines, then the Markdown body."""
    return f"---\n{dump_yaml(meta)}---\n{body}\n" if body else f"---\n{dump_yaml(meta)}---\n"
