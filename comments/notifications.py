"""The emails about comments, sent through the one mail path after the commit.

Neither carries the commenter's address: moderators find it on the moderation
screen, authors never need it. Their words are in templates/emails/comment-*.txt.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpRequest

from comments.models import Comment
from sitewide import languages, mail
from sitewide.http import absolute_url


def moderator_addresses() -> list[str]:
    User = get_user_model()
    return sorted(
        set(
            User.objects.filter(is_active=True)
            .filter(Q(groups__name="Moderators") | Q(is_superuser=True))
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def notify_moderators(request: HttpRequest, comment: Comment) -> None:
    """Email the moderators a link to one held comment."""
    mail.send(
        "comment-held",
        moderator_addresses(),
        {
            "article": str(comment.article),
            "name": comment.name,
            "reason": comment.reason,
            "body": comment.body,
            "url": absolute_url(request, comment.get_admin_url()),
        },
    )


def notify_authors(request: HttpRequest, comment_ids: list[int]) -> None:
    """Tell each published comment's article author, if they can be reached."""
    if not comment_ids:
        return
    comments = Comment.objects.filter(pk__in=comment_ids).select_related(
        "article__author", "parent"
    )
    for comment in comments:
        author = comment.article.author
        if not comment.is_public() or not author.email or not author.is_active:
            continue
        # The mail is in the site's language: so is the address in it.
        with languages.in_site_language():
            comment_url = comment.get_absolute_url()
        mail.send(
            "comment-published",
            [author.email],
            {
                "article": str(comment.article),
                "name": comment.name,
                "body": comment.body,
                "url": absolute_url(request, comment_url),
            },
        )
