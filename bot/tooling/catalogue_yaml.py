"""How the catalogue's YAML is written by the tools that edit it (the console's editor, the importer):
folded paragraphs and one-line lists, the way staff write them by hand."""

from __future__ import annotations

import textwrap
from typing import Any

from ruamel.yaml.comments import CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString

FOLD_WIDTH = 96  # the width of the file's folded descriptions


def folded(text: str) -> FoldedScalarString:
    """A long text as the file writes them: `>-` and lines of FOLD_WIDTH characters."""
    scalar = FoldedScalarString(text)
    lines = textwrap.wrap(text, FOLD_WIDTH, break_long_words=False, break_on_hyphens=False)
    positions, offset = [], 0
    for line in lines[:-1]:
        offset += len(line)
        positions.append(offset)  # the space between two lines
        offset += 1
    scalar.fold_pos = positions  # type: ignore[attr-defined]
    return scalar


def flow_list(items: list[Any]) -> CommentedSeq:
    """[a, b] on one line, as the hand-written catalogue lists ids and aliases."""
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq
