import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString

from blog.models import Article
from sitewide.http import absolute_url

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
        "mainEntityOfPage": absolute_url(request, article.get_absolute_url()),
        "author": {
            "@type": "Person",
            "name": article.author.public_name,
            "url": absolute_url(request, article.author.get_absolute_url()),
        },
    }
    if article.cover:
        data["image"] = absolute_url(request, article.cover.url)
    if article.category:
        data["articleSection"] = article.category.name
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        SafeString(payload.translate(_JSON_SCRIPT_ESCAPES)),
    )
