"""Addresses made from titles and names: Latin letters written out, never dropped.

Django's slugify keeps what Unicode decomposes into a letter and an accent (é → e) and
drops the rest, so "au cœur des tensions" became "au-cur-des-tensions". These letters
are written out first, as French and the other Latin alphabets spell them in ASCII.
The admin's address fields fill themselves in the browser with the same table
(editing/static/editing/slugs.js); a browser test holds the two together.
"""

from django.utils.text import slugify as django_slugify

# Latin letters with no decomposition: NFKD leaves them whole, and slugify drops them.
LATIN = {
    "Œ": "OE",
    "œ": "oe",
    "Æ": "AE",
    "æ": "ae",
    "ẞ": "SS",
    "ß": "ss",
    "Ø": "O",
    "ø": "o",
    "Ł": "L",
    "ł": "l",
    "Đ": "D",
    "đ": "d",
    "Ð": "D",
    "ð": "d",
    "Þ": "TH",
    "þ": "th",
    "Ħ": "H",
    "ħ": "h",
    "ı": "i",
    "Ŧ": "T",
    "ŧ": "t",
    "ĸ": "k",
    "Ŋ": "NG",
    "ŋ": "ng",
    "ƒ": "f",
}
# Marks that part words without a space: an elided article (l’été), a dash, a slash.
# They become a hyphen, where slugify would glue the words ("lete").
SEPARATORS = "'’‘ʼ–—‑/"

_TABLE = str.maketrans({**LATIN, **dict.fromkeys(SEPARATORS, " ")})


def slugify(value: str, max_length: int | None = None) -> str:
    """The ASCII address of a title: "L’été au cœur des tensions" → "l-ete-au-coeur-des-
    tensions", cut at max_length without a trailing hyphen."""
    slug = django_slugify(str(value).translate(_TABLE))
    if max_length is not None:
        slug = slug[:max_length].rstrip("-_")
    return slug
