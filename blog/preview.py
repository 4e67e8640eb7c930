"""The change form's unsaved fields, shown as readers would see the article."""

from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from taggit.models import Tag

from blog.models import Article, tag_slug
from sitewide.markup import clean_article_html
from sitewide.models import SiteSettings


def render_preview(request: HttpRequest, form: ModelForm) -> HttpResponse:
    """The public article template around the form's content; nothing is saved.

    A form with errors answers 400 with them listed, since the article cannot be shown.
    """
    if not form.is_valid():
        response = render(request, "admin/editing/preview_errors.html", {"form": form}, status=400)
    else:
        article: Article = form.instance
        article.body_html = clean_article_html(article.body)
        if not article.author_id:
            article.author = request.user
        article.updated_at = article.updated_at or timezone.now()
        names = form.cleaned_data.get("tags", [])
        tags = [Tag(name=name, slug=tag_slug(name)) for name in names]
        site = SiteSettings.load()
        response = render(
            request,
            "blog/article.html",
            {
                "site": site,
                "article": article,
                "tags": tags,
                "metadata": article.metadata(request, site, tags),
                "is_preview": True,
                "is_unsaved_preview": True,
            },
        )
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response
