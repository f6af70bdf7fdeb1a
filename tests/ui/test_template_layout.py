"""Layout rules that hold for every template (checked on the sources, so a new page cannot slip)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def templates():
    for path in ROOT.rglob("*.html"):
        if (
            ".venv" not in path.parts
            and "staticfiles" not in path.parts
            and "test-artifacts" not in path.parts
        ):
            yield path


def test_no_table_cell_is_a_flex_container():
    """`.actions` is display:flex; on a <td> it takes the cell out of the table grid (buttons end up
    beside the table instead of in their column). Cells wrap their buttons in `.row-actions`."""
    offenders = [
        str(p.relative_to(ROOT))
        for p in templates()
        if re.search(r'<t[dh][^>]*class="[^"]*\bactions\b', p.read_text(encoding="utf-8"))
    ]
    assert not offenders, offenders
