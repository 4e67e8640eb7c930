import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from PIL import UnidentifiedImageError

from blog import images
from blog.models import Article

register = template.Library()

# Inside <script>, these characters could end the element or open a comment.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def article_json_ld(context: template.Context, article: Article) -> SafeString:
    """A schema.org Article description; a data block, which CSP does not execute."""
    request = context["request"]
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": article.title,
        "description": article.description,
        "datePublished": article.published_at,
        "dateModified": article.updated_at,
        "inLanguage": article.language,
        "mainEntityOfPage": request.build_absolute_uri(article.get_absolute_url()),
        "author": {
            "@type": "Person",
            "name": article.author.public_name,
            "url": request.build_absolute_uri(article.author.get_absolute_url()),
        },
    }
    if article.cover:
        data["image"] = request.build_absolute_uri(article.cover.url)
    if article.category:
        data["articleSection"] = article.category.name
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        SafeString(payload.translate(_JSON_SCRIPT_ESCAPES)),
    )


@register.simple_tag
def page_url(request: HttpRequest, number: int) -> str:
    """A link to another page of this list, keeping the search and the language."""
    query = request.GET.copy()
    query["page"] = number
    return f"?{query.urlencode()}"


@register.simple_tag
def language_url(request: HttpRequest, language: str = "") -> str:
    """This page's address in one language (``?lang=``), or with no language chosen.

    Other query parameters (the page number, the search) are kept.
    """
    query = request.GET.copy()
    query.pop("lang", None)
    if language:
        query["lang"] = language
    return f"{request.path}?{query.urlencode()}" if query else request.path


@register.simple_tag
def cover_image(image) -> dict | None:
    """A cover's URL, size and srcset; None when its file is missing or unreadable."""
    try:
        width, height = image.width, image.height
    except (OSError, UnidentifiedImageError):
        return None
    return {"url": image.url, "width": width, "height": height, "srcset": images.srcset(image)}
