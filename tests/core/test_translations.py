"""The Dutch catalogue: every message translated, none left fuzzy, and the compiled catalogue
Django reads saying what the source says. `make messages` rewrites the source from the code;
a message it could not find (a `gettext` call inside an f-string) disappears from it, and one
it half-recognises comes back fuzzy, with a neighbour's translation."""

import ast
import gettext
import re
import tokenize
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "stip" / "locale" / "nl" / "LC_MESSAGES"


def entries() -> list[dict]:
    """The .po file's entries: their flags and their msgid, msgid_plural and msgstr(s)."""
    found, entry, key = [], {"flags": set()}, None
    for line in [*(CATALOGUE / "django.po").read_text().splitlines(), ""]:
        if not line.strip():
            if "msgid" in entry:
                found.append(entry)
            entry, key = {"flags": set()}, None
        elif line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, text = line.partition(" ")
            entry[key] = ast.literal_eval(text)
    return found


def test_every_dutch_message_is_translated_and_none_is_fuzzy():
    messages = [entry for entry in entries() if entry["msgid"]]
    assert len(messages) > 500
    assert [entry["msgid"] for entry in messages if "fuzzy" in entry["flags"]] == []
    untranslated = [
        entry["msgid"]
        for entry in messages
        if not entry.get("msgstr", entry.get("msgstr[0]")) or entry.get("msgstr[1]") == ""
    ]
    assert untranslated == []


def test_the_compiled_catalogue_says_what_the_source_says():
    with open(CATALOGUE / "django.mo", "rb") as file:
        compiled = gettext.GNUTranslations(file)
    for entry in entries():
        if not entry["msgid"]:
            continue
        context = entry.get("msgctxt")
        if "msgid_plural" in entry:
            for count, key in ((1, "msgstr[0]"), (2, "msgstr[1]")):
                if context:
                    said = compiled.npgettext(context, entry["msgid"], entry["msgid_plural"], count)
                else:
                    said = compiled.ngettext(entry["msgid"], entry["msgid_plural"], count)
                assert said == entry[key], entry["msgid"]
        elif context:
            assert compiled.pgettext(context, entry["msgid"]) == entry["msgstr"], entry["msgid"]
        else:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]


def test_no_message_is_translated_inside_an_f_string():
    """`makemessages` reads Python with xgettext, which does not look inside f-strings: a
    message translated there is left out of the catalogue and shown in English."""
    calls = re.compile(r"\b(_|gettext|ngettext|pgettext|npgettext|gettext_lazy)\(")
    found = []
    for path in sorted((Path(settings.BASE_DIR) / "stip").rglob("*.py")):
        with open(path, "rb") as file:
            for token in tokenize.tokenize(file.readline):
                prefix = re.match(r"[A-Za-z]*", token.string).group().lower()
                if token.type == tokenize.STRING and "f" in prefix and calls.search(token.string):
                    found.append(f"{path.name}:{token.start[0]}")
    assert found == []
