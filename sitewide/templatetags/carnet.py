import datetime
import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

from sitewide import csrf, fragments, http, images, languages, pagecache, typography
from sitewide.markup import strip_control_characters

register = template.Library()

# Inside <script>, these characters could end the element or open a comment.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def absolute_url(context: template.Context, path: str) -> str:
    """A path of this site as a full address, for links read outside the page (feeds,
    link previews, search engines)."""
    return http.absolute_url(context["request"], path)


@register.simple_tag(takes_context=True)
def csrf_token_if_needed(context: template.Context) -> str:
    """Django's CSRF field for a reader with a session; nothing for the others, whose
    page stays the same for everyone (sitewide.csrf protects their posts)."""
    request = context["request"]
    if not csrf.needs_token(request):
        return ""
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )


@register.simple_tag
def page_url(request: HttpRequest, number: int) -> str:
    """A link to another page of this list, keeping the search and the language."""
    query = request.GET.copy()
    query["page"] = number
    return f"?{query.urlencode()}"


@register.simple_tag(takes_context=True)
def language_url(context: template.Context, request: HttpRequest, language: str = "") -> str:
    """This page's address in one language (the site's own when none is given).

    A page that has its own version in a language says so in `language_paths` (an
    article and its translation); otherwise it is the same page under the language's
    prefix, other query parameters (the page number, the search) kept.
    """
    language = language or settings.LANGUAGE_CODE
    own = (context.get("language_paths") or {}).get(language)
    return own or _translated_path(request, language)


@register.simple_tag(takes_context=True)
def language_alternates(context: template.Context, request: HttpRequest) -> list:
    """(hreflang, path) for each version of this page, x-default last when there is
    one: only the versions a page has (an untranslated article has its own alone, in its
    own edition, even when shown in another's interface)."""
    paths = context.get("language_paths") or {
        code: _translated_path(request, code) for code, _name in settings.LANGUAGES
    }
    alternates = list(paths.items())
    if settings.LANGUAGE_CODE in paths:
        alternates.append(("x-default", paths[settings.LANGUAGE_CODE]))
    return alternates


def _translated_path(request: HttpRequest, language: str) -> str:
    """This request's address in a language, worked out once per request: the page
    names it in its alternates and in each of its two language switchers."""
    paths = request.__dict__.setdefault("translated_paths", {})
    if language not in paths:
        paths[language] = languages.translate_path(request.get_full_path(), language)
    return paths[language]


@register.filter
def written_in(code: str) -> str:
    """ "In French", "En anglais": the label of what is written in that language."""
    return languages.get(code).written_in


@register.filter
def read_in(code: str) -> str:
    """ "Read this article in French", "Lire cet article en anglais"."""
    return languages.get(code).read_in


@register.simple_tag
def cover_image(image) -> dict | None:
    """A cover (an image of the library) as a page shows it: URL, size, srcset, alt
    text and caption, read from the database alone; None without an image.

    Its renditions were made on upload: no file is opened while a reader waits.
    """
    if not image or not image.width:
        return None
    return {
        "url": image.url,
        "width": image.width,
        "height": image.height,
        "srcset": image.srcset,
        "sizes": images.ARTICLE_SIZES,
        "alt": image.alt,
        "caption": image.figcaption,
    }


@register.simple_tag
def json_ld(data: dict) -> SafeString:
    """A JSON-LD data block (schema.org), which CSP does not execute."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        SafeString(payload.translate(_JSON_SCRIPT_ESCAPES)),
    )


@register.filter
def datetime_attr(value: datetime.datetime) -> str:
    """A time as a <time datetime> attribute: local, to the second (HTML allows at most
    three digits of a second's fractions; Django's "c" format prints six)."""
    return timezone.localtime(value).isoformat(timespec="seconds")


@register.filter
def full_time(value: datetime.datetime | None) -> str:
    """A time as a sentence shows it, to the minute: "6 décembre 2026 à 10 h 36" in
    French, "December 6, 2026, 10:36" in English (sitewide.languages.full_time)."""
    return languages.full_time(value) if value else ""


@register.filter(is_safe=True)
def french_spacing(html_text: str) -> str:
    """French no-break spaces in text shown on a French page (readers' comments); other
    pages get it unchanged. Only the text changes, so a safe string stays safe."""
    if translation.get_language() != "fr":
        return html_text
    return typography.french_html(str(html_text))


@register.simple_tag(takes_context=True)
def shows(context: template.Context, *values) -> str:
    """{% shows article article.author "list:article" %}: this part of the page shows
    these rows (or tags, or lists of them); a change to one renders it again
    (sitewide/pagecache.py). None shows nothing."""
    flat = []
    for value in values:
        is_many = isinstance(value, list | tuple | set)
        flat += list(value) if is_many else [value]
    pagecache.shows(context.get("request"), *flat)
    return ""


@register.filter
def xml_text(value: object) -> str:
    """Text for an XML document (a sitemap): without the control characters XML 1.0
    cannot carry, which a title pasted from a word processor may hold."""
    return strip_control_characters(str(value))


@register.filter
def list_of(row) -> str:
    """The tag of the lists a row's children are in: an article's comments and their count
    (sitewide/pagecache.py)."""
    return pagecache.list_of(row)


@register.tag
def fragment(parser: template.base.Parser, token: template.base.Token) -> "FragmentNode":
    """{% fragment "name" value… [as variable] %}…{% endfragment %}: a part of the page
    that is the same for every reader given these values (and the page's language), kept
    as pages are (sitewide/fragments.py). Whatever it shows must be read inside it, lazily.
    """
    bits = token.split_contents()
    target = None
    if len(bits) > 3 and bits[-2] == "as":
        target, bits = bits[-1], bits[:-2]
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} needs a name.")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]], target)


class FragmentNode(template.Node):
    """With `as name`, the fragment shows nothing where it stands and is `{{ name }}` in
    the rest of the template: a part a page shows twice is read or rendered once."""

    def __init__(self, nodelist: template.NodeList, values: list, target: str | None) -> None:
        self.nodelist = nodelist
        self.name, *self.vary_on = values
        self.target = target

    def render(self, context: template.Context) -> str:
        html = self._render(context)
        if self.target is None:
            return html
        context[self.target] = html
        return ""

    def _render(self, context: template.Context) -> str:
        request = context.get("request")
        # A preview shows what readers do not see: nothing of it is kept.
        if request is None or context.get("is_preview"):
            return self.nodelist.render(context)
        return fragments.kept(
            request,
            self.name.resolve(context),
            [value.resolve(context) for value in self.vary_on],
            lambda: self.nodelist.render(context),
        )
