"""Lists a person reads while they update: rows keyed by record id, changed in place.

A refresh never clears and refills. Rows that are gone are removed, new rows are put where
they belong, rows that stayed get their changed cells only; the cursor stays on the same
record and the scroll where it was, as in the live queue (``screens.widgets.queue_view``).

- ``sync_table`` for a ``DataTable`` (``update_cell`` / ``add_row(key=...)`` / ``remove_row``);
- ``sync_children`` for a container of widgets (a ``ListView`` of items, a column of lines),
  each a :class:`Keyed` widget that can take a newer copy of its record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.text import Text
from textual.widget import Widget
from textual.widgets import DataTable, ListItem, ListView
from textual.widgets.data_table import CellDoesNotExist


class Keyed:
    """Mixed into a widget that shows one record: ``row_key`` names the record."""

    row_key: str = ""

    def renew(self, record: Any) -> bool:
        """Take a newer copy of the record; False if this widget cannot show it (it is
        then replaced)."""
        return False


def _same(a: object, b: object) -> bool:
    if isinstance(a, Text) and isinstance(b, Text):
        return a.plain == b.plain and a.style == b.style and a.spans == b.spans
    return a == b


def cursor_key(table: DataTable[Any]) -> str | None:
    """The key of the row under the cursor, if there is one."""
    if not table.row_count:
        return None
    try:
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
    except CellDoesNotExist:  # the cursor is past the rows
        return None
    return row_key.value


def sync_table(table: DataTable[Any], rows: Sequence[tuple[str, Sequence[Any]]]) -> None:
    """Make ``table`` show ``rows`` (key, cells) in this order, touching only what changed.

    Rows already in the right order keep their place and get ``update_cell`` for the cells
    that differ; the rest are removed and added again in order. The cursor stays on its
    row's key (if that row is still there) and the scroll offset is not moved.
    """
    with table.app.batch_update():  # one repaint for the whole change
        _sync_table(table, rows)


def _sync_table(table: DataTable[Any], rows: Sequence[tuple[str, Sequence[Any]]]) -> None:
    keep = cursor_key(table)
    wanted = [key for key, _ in rows]
    wanted_set = set(wanted)
    current: list[str] = []
    for row in table.ordered_rows:
        if row.key.value in wanted_set:
            current.append(row.key.value)
        else:
            table.remove_row(row.key)
    split = 0
    while split < len(current) and current[split] == wanted[split]:
        split += 1
    for key in current[split:]:
        table.remove_row(key)
    columns = [column.key for column in table.ordered_columns]
    for key, cells in rows[:split]:
        for column, new, was in zip(columns, cells, table.get_row(key), strict=False):
            if not _same(new, was):
                table.update_cell(key, column, new, update_width=True)
    for key, cells in rows[split:]:
        table.add_row(*cells, key=key)
    if keep is not None and keep in wanted_set:
        at = table.get_row_index(keep)
        if at != table.cursor_row:
            table.move_cursor(row=at, scroll=False)


async def sync_children(
    parent: Widget, records: Sequence[tuple[str, Any]], make: Callable[[Any], Widget]
) -> bool:
    """Make ``parent``'s children show ``records`` (key, record) in this order.

    Children are :class:`Keyed` widgets; one that stayed in place takes its newer record
    (``renew``); new ones are mounted where they belong; gone ones are removed. In a
    ``ListView`` the highlight stays on the same key, and the list is not scrolled while
    that row is in view; returns False when there was no highlighted row to keep (the
    caller then chooses one).
    """
    with parent.app.batch_update():  # one repaint for the whole change
        return await _sync_children(parent, records, make)


async def _sync_children(
    parent: Widget, records: Sequence[tuple[str, Any]], make: Callable[[Any], Widget]
) -> bool:
    listing = parent if isinstance(parent, ListView) else None
    highlighted = listing.highlighted_child if listing is not None else None
    keep = highlighted.row_key if isinstance(highlighted, Keyed) else None
    keys = {key for key, _ in records}
    gone = [c for c in parent.children if not isinstance(c, Keyed) or c.row_key not in keys]
    if gone:
        await parent.remove_children(gone)
    for at, (key, record) in enumerate(records):
        children = list(parent.children)
        here = children[at] if at < len(children) else None
        if isinstance(here, Keyed) and here.row_key == key and here.renew(record):
            continue
        old = next((c for c in children if isinstance(c, Keyed) and c.row_key == key), None)
        if old is not None:
            await old.remove()
        fresh = make(record)
        if at < len(parent.children):
            await parent.mount(fresh, before=at)
        else:
            await parent.mount(fresh)
    if listing is None:
        return False
    order = [c.row_key if isinstance(c, Keyed) else None for c in listing.children]
    if keep is None or keep not in order:
        return False
    listing.index = order.index(keep)
    for position, child in enumerate(listing.children):
        if isinstance(child, ListItem):
            child.highlighted = position == listing.index
    return True
