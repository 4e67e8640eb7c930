"""French typography: the no-break spaces French puts around its punctuation.

A narrow no-break space (U+202F) before ; ! ? and », and after «; a no-break space
(U+00A0) before the colon: the rules of the Imprimerie nationale's Lexique, as most French
publishers apply them. A line then never starts with a lone "?" or "»".

Only spaces that are there are replaced before the colon (10:30, https:// and 3:2 have
none); before ; ! ? and inside « » a missing space is added after a letter or digit.
In HTML only the text changes: never a tag, an attribute, an entity, or what <code>,
<pre>, <kbd>, <samp>, <script> or <style> hold. Applying the rules twice changes nothing.
"""

import re

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"

# Any run of spaces a writer may have typed, including no-break ones already there.
_SPACES = "[ \t\u00a0\u202f]"
_RULES = [
    # Spaces before ; ! ? become one narrow no-break space; after a word, one is added.
    (re.compile(rf"{_SPACES}+(?=[;!?])"), NARROW_NBSP),
    (re.compile(r"(?<=\w)(?=[;!?])"), NARROW_NBSP),
    # Before a colon, a full no-break space, only where there was a space.
    (re.compile(rf"{_SPACES}+(?=:)"), NBSP),
    # Inside the guillemets: « text » with narrow no-break spaces.
    (re.compile(rf"«{_SPACES}*"), "«" + NARROW_NBSP),
    (re.compile(rf"{_SPACES}*»"), NARROW_NBSP + "»"),
]
# What every rule above needs: text without any of these is left as it is.
_PUNCTUATION = re.compile("[;!?:«»]")
# Left as they are inside text: addresses, and HTML character references (&amp; ends in ;).
_PROTECTED = re.compile(r"(?:https?://|www\.|mailto:)\S+|&#?\w+;")
# Markup, and the elements whose content is code rather than prose.
_TAG = re.compile(r"<[^>]*>")
_VERBATIM = re.compile(r"<(code|pre|kbd|samp|script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)


def french_text(text: str) -> str:
    """Plain text (a title, a standfirst, an interface string) with French spacing."""
    if not _PUNCTUATION.search(text):
        return text
    parts, last = [], 0
    for protected in _PROTECTED.finditer(text):
        parts += [_apply(text[last : protected.start()]), protected.group()]
        last = protected.end()
    return "".join(parts) + _apply(text[last:])


def french_html(fragment: str) -> str:
    """An HTML fragment with French spacing in its text only."""
    parts, last = [], 0
    for verbatim in _VERBATIM.finditer(fragment):
        parts += [_html_text(fragment[last : verbatim.start()]), verbatim.group()]
        last = verbatim.end()
    return "".join(parts) + _html_text(fragment[last:])


def _html_text(fragment: str) -> str:
    parts, last = [], 0
    for tag in _TAG.finditer(fragment):
        parts += [french_text(fragment[last : tag.start()]), tag.group()]
        last = tag.end()
    return "".join(parts) + french_text(fragment[last:])


def _apply(text: str) -> str:
    # Most runs of a text have no such punctuation: one search instead of five rules.
    if not _PUNCTUATION.search(text):
        return text
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
