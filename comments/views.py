import logging

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST, require_safe

from blog.models import Article
from blog.views import article_context
from comments import posting, spam
from comments.forms import CommentForm
from comments.models import Comment
from sitewide.csrf import origin_protected

logger = logging.getLogger(__name__)

# The refusals answered with a page of their own; the others show the form again.
REFUSAL_STATUS = {posting.Closed: 403, spam.Replayed: 409, spam.TooSoon: 429}


@sensitive_post_parameters("email")
@never_cache
@require_POST
@origin_protected
def post_comment(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.published().select_related("author", "category", "cover"), slug=slug
    )
    form = CommentForm(request.POST, article=article)
    try:
        comment = posting.post(request, form)
    except spam.Refused as refusal:
        return _refused(request, form, refusal)
    # Stored: from here on the reader is told so, whatever fails. Nothing below touches
    # the database; the pending list is a signed cookie.
    response = HttpResponseRedirect(comment.answer_url, status=303)
    posting.remember_pending(request, response, comment)
    try:
        if comment.status == Comment.Status.APPROVED:
            messages.success(request, _("Your comment is published."))
        else:
            messages.success(
                request,
                _("Thank you! Your comment awaits moderation; only you can see it for now."),
            )
    except Exception:  # a message is a courtesy; the stored comment's answer is not
        logger.exception("Comment %s stored; its message could not be kept", comment.pk)
    return response


@require_safe
def comment(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A comment's lasting address: to the page of comments that holds it now."""
    comment = get_object_or_404(
        Comment.objects.select_related("article", "parent"), pk=pk, article__slug=slug
    )
    if not (comment.article.is_published() and comment.is_public()):
        raise Http404("No such comment.")
    return HttpResponseRedirect(comment.get_page_url())


def _refused(request: HttpRequest, form: CommentForm, refusal: spam.Refused) -> HttpResponse:
    """The one answer to each refusal: its status, its page, and a line in the log."""
    article = form.article
    if isinstance(refusal, posting.Invalid):
        # Field names and error codes only: never what the reader typed.
        reason = ", ".join(
            sorted(
                f"{field}:{error.code or 'invalid'}"
                for field, errors in form.errors.as_data().items()
                for error in errors
            )
        )
    else:
        reason = type(refusal).__name__.lower()
    logger.info("Comment refused on article %s: %s", article.pk, reason)
    if isinstance(refusal, posting.Invalid | spam.Duplicate):
        if refusal.message:
            form.add_error("body", refusal.message)
        # The article page again, with the errors next to the fields and the input kept.
        context = article_context(request, article)
        context["comment_form"] = form
        return render(request, "blog/article.html", context, status=400)
    response = render(
        request,
        "comments/refused.html",
        {"article": article, "message": refusal.message},
        status=REFUSAL_STATUS[type(refusal)],
    )
    if refusal.retry_after:
        response["Retry-After"] = str(refusal.retry_after)
    return response
