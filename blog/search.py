"""Search without PostgreSQL's full-text engine, and the excerpts the results page shows.

On PostgreSQL the database does both (unaccent text search configurations, ts_headline:
see blog/models.py). Elsewhere (SQLite) each article keeps an accent-folded, lower-cased
copy of its text, matched word by word, and its excerpt is cut here.
"""

import html
import re
import unicodedata

from django.utils.html import conditional_escape, strip_tags
from django.utils.safestring import SafeString

# Marks ts_headline puts around a match (private-use characters no text holds), turned into
# <mark> only after the excerpt is escaped: the markup never passes through unescaped.
MATCH_START, MATCH_END = "\ue000", "\ue001"
# Words of context an excerpt shows around its first match.
EXCERPT_WORDS = 30
# A query's words beyond this many are ignored: each is one more LIKE over every article.
MAX_WORDS = 10


# Letters Unicode does not decompose, written out as PostgreSQL's unaccent does: "cœur"
# is found by "coeur", "ex æquo" by "ex aequo".
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})
# Tags that end a block of text: the words on either side of one are two words.
BLOCK_TAG = re.compile(
    r"<(?=/?(?:p|div|h[1-6]|li|ul|ol|blockquote|br|hr|tr|td|th|table|figure|figcaption|"
    r"pre|section|article|aside|header|footer|dd|dt|dl)\b)",
    re.IGNORECASE,
)


def fold(text: str) -> str:
    """Text without accents, ligatures or case: "Élections" and "ELECTIONS" both become
    "elections", "Cœur" "coeur"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def plain_text(html_text: str) -> str:
    """The words of an HTML fragment, on one line; a paragraph's last word and the next
    one's first stay two words ("conclure. Les", not "conclure.Les")."""
    spaced = BLOCK_TAG.sub(" <", html_text)
    return " ".join(html.unescape(strip_tags(spaced)).split())


def search_text(title: str, standfirst: str, body_html: str) -> str:
    """The folded document an article is searched in where there is no full-text engine."""
    return fold(" ".join(f"{title} {standfirst} {plain_text(body_html)}".split()))


def query_words(query: str) -> list[str]:
    """The folded words of a query, each of which an article must contain."""
    return fold(query).split()[:MAX_WORDS]


def highlight(marked: str) -> SafeString:
    """Escape an excerpt whose matches are between MATCH_START and MATCH_END, then mark
    them with <mark>."""
    escaped = str(conditional_escape(marked))
    return SafeString(escaped.replace(MATCH_START, "<mark>").replace(MATCH_END, "</mark>"))


def headline_html(headline: str) -> SafeString:
    """ts_headline's output over HTML, as a safe excerpt: its tags and entities dropped."""
    return highlight(plain_text(headline))


def excerpt(text: str, query: str) -> SafeString:
    """About EXCERPT_WORDS words of text around the first word of the query it contains,
    every occurrence of the query's words highlighted, accents and case ignored."""
    words = text.replace(MATCH_START, "").replace(MATCH_END, "").split()
    folded = [fold(word) for word in words]
    wanted = query_words(query)
    first = next((i for i, word in enumerate(folded) if any(w in word for w in wanted)), 0)
    start = max(0, first - EXCERPT_WORDS // 3)
    end = start + EXCERPT_WORDS
    pattern = re.compile("|".join(re.escape(w) for w in sorted(wanted, key=len, reverse=True)))
    shown = []
    for word, folded_word in zip(words[start:end], folded[start:end], strict=True):
        shown.append(_mark(word, folded_word, pattern) if wanted else word)
    text = " ".join(shown)
    return highlight(("… " if start else "") + text + (" …" if end < len(words) else ""))


def _mark(word: str, folded_word: str, pattern: re.Pattern) -> str:
    """The word with its matches between the marks, when folding kept its length (it does
    for every accented Latin letter); the whole word marked otherwise."""
    if not pattern.search(folded_word):
        return word
    if len(folded_word) != len(word):
        return MATCH_START + word + MATCH_END
    marked, last = [], 0
    for match in pattern.finditer(folded_word):
        marked += [word[last : match.start()], MATCH_START, word[match.start() : match.end()]]
        marked.append(MATCH_END)
        last = match.end()
    return "".join(marked) + word[last:]
