"""Notification emails, run as django.tasks after the comment is committed.

Neither email carries the commenter's address: moderators find it on the
moderation screen, authors never need it.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import Q
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from comments.models import Comment
from sitewide.models import SiteSettings


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


@task
def notify_moderators(comment_id: int, admin_url: str) -> int:
    """Email the moderators about one held comment; return how many messages were sent."""
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    recipients = moderator_addresses()
    if comment is None or comment.status != Comment.Status.PENDING or not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        site_name = SiteSettings.load().site_name
        lines = [
            _("A comment awaits moderation on “%(article)s”.") % {"article": comment.article},
            "",
            _("From: %(name)s") % {"name": comment.name},
        ]
        if comment.reason:
            lines.append(_("Reason: %(reason)s") % {"reason": comment.reason})
        lines += ["", comment.body, "", _("Moderate it: %(url)s") % {"url": admin_url}]
        subject = _("[%(site)s] Comment to moderate on “%(article)s”") % {
            "site": site_name,
            "article": comment.article,
        }
    return EmailMessage(subject=subject, body="\n".join(lines), to=recipients).send()


@task
def notify_author(comment_id: int, site_url: str) -> int:
    """Tell the article's author that a comment on their article was published."""
    comment = Comment.objects.select_related("article__author").filter(pk=comment_id).first()
    if comment is None or not comment.is_public():
        return 0
    author = comment.article.author
    if not author.email or not author.is_active:
        return 0
    link = site_url.rstrip("/") + comment.get_absolute_url()
    with translation.override(settings.LANGUAGE_CODE):
        site_name = SiteSettings.load().site_name
        subject = _("[%(site)s] New comment on “%(article)s”") % {
            "site": site_name,
            "article": comment.article,
        }
        body = "\n".join(
            [
                _("%(name)s commented on “%(article)s”:")
                % {"name": comment.name, "article": comment.article},
                "",
                comment.body,
                "",
                link,
            ]
        )
    return EmailMessage(subject=subject, body=body, to=[author.email]).send()
