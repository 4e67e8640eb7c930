"""The emails about comments, sent through the one mail path after the commit.

Those to moderators and authors never carry a commenter's address: moderators find
it on the moderation screen, authors never need it. Those to a commenter go to the
address of their own comment only, and each carries the link to manage their
comments. Their words are in templates/emails/comment-*.txt.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from comments import links
from comments.models import Comment, Subscription
from sitewide import flood, languages, mail
from sitewide.http import absolute_url
from sitewide.validators import is_plain_address

# One manage link per commenter in this many seconds, however many ask for it.
MANAGE_MAIL_SECONDS = 10 * 60


def moderator_addresses() -> list[str]:
    """Everyone who may moderate comments (the permission, from a group or their own:
    Moderators, the Editor-in-chief) and superusers."""
    User = get_user_model()
    may_moderate = {"content_type__app_label": "comments", "codename": "change_comment"}
    permission = Permission.objects.filter(**may_moderate)
    return sorted(
        set(
            User.objects.filter(is_active=True)
            .filter(
                Q(is_superuser=True)
                | Q(groups__permissions__in=permission)
                | Q(user_permissions__in=permission)
            )
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
    """Tell whoever waits for these newly published comments: each article's author,
    and for a reply, the confirmed subscribers of the comments it answers."""
    if not comment_ids:
        return
    comments = Comment.objects.filter(pk__in=comment_ids).select_related(
        "article__author", "parent"
    )
    for comment in comments:
        if not comment.is_public():
            continue
        author = comment.article.author
        # The mail is in the site's language: so is the address in it.
        with languages.in_site_language():
            comment_url = absolute_url(request, comment.get_absolute_url())
        if author.email and author.is_active:
            mail.send(
                "comment-published",
                [author.email],
                {
                    "article": str(comment.article),
                    "name": comment.name,
                    "body": comment.body,
                    "url": comment_url,
                },
            )
        if comment.parent_id is not None:
            _notify_subscribers(request, comment, comment_url)


def _notify_subscribers(request: HttpRequest, reply: Comment, reply_url: str) -> None:
    """Email the reply to those who asked to hear of replies to the comments it answers.

    One message per address, never to the replier's own, naming the replier only.
    """
    answered = {reply.parent_id, reply.answers_id} - {None}
    subscriptions = (
        Subscription.objects.confirmed()
        .filter(comment__in=answered)
        .exclude(comment__email__iexact=reply.email)
        .select_related("comment__article")
        .order_by("comment__submitted_at")
    )
    sent: set[str] = set()
    for subscription in subscriptions:
        subscribed = subscription.comment
        if subscribed.email.lower() in sent:
            continue
        sent.add(subscribed.email.lower())
        mail.send(
            "comment-reply",
            [subscribed.email],
            {
                "article": str(reply.article),
                "name": reply.name,
                "body": reply.body,
                "url": reply_url,
                **commenter_links(request, subscribed),
                "unsubscribe_url": _link(request, links.UNSUBSCRIBE, subscribed),
            },
        )


def ask_confirmation(request: HttpRequest, comment: Comment, *, notify: bool) -> None:
    """Send the comment's address the link that confirms it (and starts reply notices)."""
    if not is_plain_address(comment.email):
        return  # a quoted or exotic address the form let through never becomes a recipient
    mail.send(
        "comment-confirm",
        [comment.email],
        {
            "article": str(comment.article),
            "name": comment.name,
            "body": comment.body,
            "notify": notify,
            "confirm_url": _link(request, links.CONFIRM, comment),
            **commenter_links(request, comment),
        },
    )


def send_manage_link(request: HttpRequest, email: str) -> float:
    """Send the owner of email a link to manage their comments, if they have any, at
    most once in MANAGE_MAIL_SECONDS: anyone may ask for it, from any number of client
    addresses, and must not be able to fill a commenter's inbox. A link lasts a week.

    Returns the seconds before a link can be sent again (0: sent, or nothing to send).
    The limit holds for every address asked for, commenter or not, so that the answer
    says nothing of whether it commented.
    """
    if not is_plain_address(email):
        return 0  # a quoted or exotic address never becomes a recipient
    with transaction.atomic():
        now = timezone.now()
        limit = flood.lock_recipient("manage-mail", email, now, MANAGE_MAIL_SECONDS)
        wait = flood.wait(limit, now, MANAGE_MAIL_SECONDS)
        if not wait and Comment.objects.from_email(email).exists():
            mail.send("comment-manage", [email], {"manage_url": _manage_url(request, email)})
    return wait


def commenter_links(request: HttpRequest, comment: Comment) -> dict[str, str]:
    """The links every email to a commenter carries."""
    return {"manage_url": _manage_url(request, comment.email)}


def _manage_url(request: HttpRequest, email: str) -> str:
    with languages.in_site_language():
        return absolute_url(request, links.path_for(links.MANAGE, links.make_manage(email)))


def _link(request: HttpRequest, purpose: links.Purpose, comment: Comment) -> str:
    with languages.in_site_language():
        return absolute_url(request, links.path(purpose, comment))
