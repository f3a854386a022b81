# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Rules a translation file must keep against the .pot.

Plain Python with no Odoo import, so translators can run it on its own:

    python3 tests/po_rules.py i18n/es.po
"""

import re
import sys
from collections import Counter
from pathlib import Path

import polib

PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]|\{\{.*?\}\}")
TAG = re.compile(r"<(/?)([\w:-]+)([^<>]*?)(/?)>")
# Attributes whose values are text for people, so translated.
TEXT_ATTRIBUTES = re.compile(
    r'\s(title|alt|placeholder|aria-label|string|help|data-tooltip)="[^"]*"'
)


def placeholders(text):
    return Counter(PLACEHOLDER.findall(text))


def tags(text):
    """The markup of a term, with the values of its text attributes blanked."""
    found = Counter()
    for closing, name, attributes, self_closing in TAG.findall(text):
        attributes = TEXT_ATTRIBUTES.sub(lambda m: f' {m.group(1)}=""', attributes)
        found[f"<{closing}{name}{' '.join(attributes.split())}{self_closing}>"] += 1
    return found


def problems(pot_path, po_path):
    """Every way ``po_path`` misses or breaks an entry of ``pot_path``."""
    template = polib.pofile(str(pot_path))
    translation = polib.pofile(str(po_path))
    translated = {entry.msgid: entry for entry in translation if not entry.obsolete}
    found = []
    for entry in template:
        mine = translated.get(entry.msgid)
        label = entry.msgid[:70].replace("\n", " ")
        if mine is None:
            found.append(f"missing: {label}")
            continue
        if not mine.msgstr.strip():
            found.append(f"untranslated: {label}")
            continue
        if "fuzzy" in mine.flags:
            found.append(f"fuzzy: {label}")
        if placeholders(entry.msgid) != placeholders(mine.msgstr):
            found.append(f"placeholders differ: {label}")
        if tags(entry.msgid) != tags(mine.msgstr):
            found.append(f"markup differs: {label}")
    stale = set(translated) - {entry.msgid for entry in template}
    found.extend(f"not in the .pot: {msgid[:70]}" for msgid in sorted(stale))
    return found


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    pot = root / "i18n" / "partner_segmentation.pot"
    failed = False
    for path in sys.argv[1:]:
        found = problems(pot, path)
        # a command-line check of .po files: it reports on the terminal
        print(f"{path}: {len(found)} problem(s)")  # pylint: disable=print-used
        for line in found:
            print("  " + line)  # pylint: disable=print-used
        failed = failed or bool(found)
    sys.exit(1 if failed else 0)
