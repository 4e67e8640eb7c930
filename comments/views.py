import logging

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from blog.models import Article
from blog.views import article_context
from comments import moderation
from comments.forms import CommentForm
from sitewide.models import SiteSettings

logger = logging.getLogger(__name__)


def _refused(request: HttpRequest, article: Article, message: str, status: int) -> HttpResponse:
    return render(
        request,
        "comments/refused.html",
        {"article": article, "message": message},
        status=status,
    )


def _invalid(request: HttpRequest, article: Article, form: CommentForm) -> HttpResponse:
    """The article page again, with the errors next to the fields and the input kept."""
    context = article_context(request, article)
    context["comment_form"] = form
    return render(request, "blog/article.html", context, status=400)


@sensitive_post_parameters("email")
@never_cache
@require_POST
def post_comment(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.published().select_related("author", "category"), slug=slug
    )
    site = SiteSettings.load()
    if not article.accepts_comments(site):
        return _refused(request, article, _("Comments are closed on this article."), 403)
    form = CommentForm(request.POST, article=article)
    if not form.is_valid():
        # Field names and error codes only: never what the reader typed.
        codes = sorted(
            f"{field}:{error.code or 'invalid'}"
            for field, errors in form.errors.as_data().items()
            for error in errors
        )
        logger.info("Comment refused on article %s: %s", article.pk, ", ".join(codes))
        return _invalid(request, article, form)
    try:
        with transaction.atomic():
            comment = moderation.store_comment(request, article, form, site)
    except moderation.Duplicate as refusal:
        logger.info("Comment refused on article %s: duplicate", article.pk)
        form.add_error("body", refusal.message)
        return _invalid(request, article, form)
    except moderation.Refused as refusal:
        logger.info(
            "Comment refused on article %s: %s", article.pk, type(refusal).__name__.lower()
        )
        response = _refused(request, article, refusal.message, refusal.status)
        if refusal.retry_after:
            response["Retry-After"] = str(refusal.retry_after)
        return response
    if comment.status == comment.Status.APPROVED:
        messages.success(request, _("Your comment is published."))
        return HttpResponseRedirect(comment.get_absolute_url(), status=303)
    moderation.remember_pending(request, comment)
    messages.success(
        request, _("Thank you! Your comment awaits moderation; only you can see it for now.")
    )
    if comment.status == comment.Status.PENDING:
        return HttpResponseRedirect(comment.get_absolute_url(), status=303)
    return HttpResponseRedirect(f"{article.get_absolute_url()}#comments", status=303)
