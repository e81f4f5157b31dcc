"""Medium-independent intermediate form of a report: paragraphs and tables in reading order.

HTML, DOCX and PDF readers produce a :class:`Document`; the table mapper turns its tables into
template cells. Text copies without table structure are read from ``Document.text`` directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class GridCell:
    """One cell as the source laid it out (only origin cells; spans are kept as numbers)."""

    text: str  # whitespace-normalised text; '' for an empty cell (&nbsp; included)
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Table:
    """A source table: rows of origin cells, as in HTML ``<tr>/<td>``."""

    rows: list[list[GridCell]]
    location: str = ""  # e.g. 'table 3', 'page 4'
    # each row's cell texts, when the reader kept them while building ``rows`` (see :meth:`row_texts`)
    texts: list[tuple[str, ...]] | None = field(default=None, repr=False, compare=False)

    def row_texts(self) -> list[tuple[str, ...]]:
        """The cell texts of each row (``rows`` are not changed once the table is read)."""
        if self.texts is None:
            self.texts = [tuple([c.text for c in row]) for row in self.rows]
        return self.texts

    def expanded(self, limit: int | None = None) -> list[list[GridCell | None]]:
        """The grid with spans expanded: a spanned position holds the origin cell again (same object).

        ``limit``: expand only the first ``limit`` rows (the same rows as the full grid's first ones).
        """
        grid: list[list[GridCell | None]] = []
        pending: dict[tuple[int, int], GridCell] = {}
        for r, row in enumerate(self.rows if limit is None else self.rows[:limit]):
            out: list[GridCell | None] = []
            c = 0
            cells = iter(row)
            while True:
                if (r, c) in pending:
                    out.append(pending.pop((r, c)))
                    c += 1
                    continue
                cell = next(cells, None)
                if cell is None:
                    break
                for dc in range(max(cell.colspan, 1)):
                    out.append(cell)
                    for dr in range(1, max(cell.rowspan, 1)):
                        pending[(r + dr, c + dc)] = cell
                c += max(cell.colspan, 1)
            # spans hanging past the end of this row
            while (r, c) in pending:
                out.append(pending.pop((r, c)))
                c += 1
            grid.append(out)
        return grid


@dataclass
class Document:
    """Paragraphs and tables in reading order, plus the plain text and source metadata."""

    blocks: list[str | Table] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)  # e.g. {'PubDate': '2020-01-31', 'title': ...}
    text: str = ""  # whole plain text in reading order (tables included, cells separated by tabs)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]
