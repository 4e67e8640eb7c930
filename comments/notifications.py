"""The emails about comments, sent through the one mail path after the commit.

Those to moderators and authors never carry a commenter's address: moderators find
it on the moderation screen, authors never need it. Those to a commenter go to the
address of their own comment only, in the language of the page they wrote from with
links into that edition, and each carries the link to manage their comments. Mail
to an address not yet confirmed holds no word a reader typed (no name, no comment),
and at most one confirmation goes to an address per CONFIRM_MAIL_SECONDS, however
many comments name it: nobody can aim Carnet's mail at someone else. Their words
are in templates/emails/comment-*.txt.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone, translation

from comments import links
from comments.models import Comment, Confirmation, Subscription, commenter_key_for
from sitewide import flood, languages, mail
from sitewide.http import absolute_url

# One manage link per commenter in this many seconds, however many ask for it.
MANAGE_MAIL_SECONDS = 10 * 60
# One confirmation per address in this many seconds, however many comments name it.
CONFIRM_MAIL_SECONDS = 60 * 60


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
        with translation.override(subscribed.language):
            url = absolute_url(request, reply.get_absolute_url())
        mail.send(
            "comment-reply",
            [subscribed.email],
            {
                "article": str(reply.article),
                "name": reply.name,
                "body": reply.body,
                "url": url,
                **commenter_links(request, subscribed),
                "unsubscribe_url": _link(request, links.UNSUBSCRIBE, subscribed),
            },
            language=subscribed.language,
        )


def ask_confirmation(request: HttpRequest, comment: Comment, *, notify: bool) -> bool:
    """Send the comment's address the link that confirms it (and starts reply notices);
    return whether it was sent.

    Not to an address confirmed before, unless reply notices are asked for (they need
    their owner's yes), and not twice to one address within CONFIRM_MAIL_SECONDS. The
    mail names the article, never the commenter's name or words: whoever typed this
    address may not be its owner.
    """
    if not notify and address_confirmed(comment.email):
        return False
    with transaction.atomic():
        now = timezone.now()
        limit = flood.lock_recipient("confirm-mail", comment.email, now, CONFIRM_MAIL_SECONDS)
        if flood.wait(limit, now, CONFIRM_MAIL_SECONDS):
            return False
        mail.send(
            "comment-confirm",
            [comment.email],
            {
                "article": str(comment.article),
                "notify": notify,
                "confirm_url": _link(request, links.CONFIRM, comment),
                **commenter_links(request, comment),
            },
            language=comment.language,
        )
    return True


def address_confirmed(email: str) -> bool:
    """Whether the owner of email has confirmed it by one of the links we sent."""
    return Confirmation.objects.filter(
        comment__commenter_key=commenter_key_for(email), confirmed_at__isnull=False
    ).exists()


def send_manage_link(request: HttpRequest, email: str) -> float:
    """Send the owner of email a link to manage their comments, if they have any, at
    most once in MANAGE_MAIL_SECONDS: anyone may ask for it, from any number of client
    addresses, and must not be able to fill a commenter's inbox. A link lasts a week.

    Returns the seconds before a link can be sent again (0: sent, or nothing to send).
    The limit holds for every address asked for, commenter or not, so that the answer
    says nothing of whether it commented.
    """
    with transaction.atomic():
        now = timezone.now()
        limit = flood.lock_recipient("manage-mail", email, now, MANAGE_MAIL_SECONDS)
        wait = flood.wait(limit, now, MANAGE_MAIL_SECONDS)
        if not wait and Comment.objects.from_email(email).exists():
            # In the language of the page that asked for it, with links into that edition.
            language = languages.get(translation.get_language()).code
            mail.send(
                "comment-manage",
                [email],
                {"manage_url": _manage_url(request, email, language)},
                language=language,
            )
    return wait


def commenter_links(request: HttpRequest, comment: Comment) -> dict[str, str]:
    """The links every email to a commenter carries."""
    return {"manage_url": _manage_url(request, comment.email, comment.language)}


def _manage_url(request: HttpRequest, email: str, language: str) -> str:
    with translation.override(language):
        return absolute_url(request, links.path_for(links.MANAGE, links.make_manage(email)))


def _link(request: HttpRequest, purpose: links.Purpose, comment: Comment) -> str:
    """The link into the edition the comment was written from."""
    with translation.override(comment.language):
        return absolute_url(request, links.path(purpose, comment))
