import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import URLValidator
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from blog.models import Article
from comments.models import Comment
from sitewide.forms import EmailField
from sitewide.validators import ProhibitControlCharactersValidator

BODY_MAX_LENGTH = 5000
TOKEN_SALT = "comments.form"
STAMP_SECONDS = 3600


def limit_body(field: forms.CharField) -> None:
    """A comment box with a visible counter (carnet.js), never a browser cut: no maxlength,
    so that text past the limit is sent, refused by the server and kept for the reader."""
    field.widget.attrs.pop("maxlength", None)
    field.widget.attrs.update(
        {
            "rows": 6,
            "data-max-length": BODY_MAX_LENGTH,
            # The counter's words, for the script: {count}, {max} and {over} are numbers.
            "data-counter": _("{count} characters of {max}"),
            "data-counter-over": _("{count} characters: {over} more than the {max} allowed"),
            # The label of the "Quote" button carnet.js adds under each comment.
            "data-quote": pgettext_lazy("a button that quotes a comment", "Quote"),
        }
    )


class WebsiteField(forms.URLField):
    """An http or https address. Its checks stop at the first refusal: an address
    several of them refuse is one mistake, listed once."""

    default_validators = [
        ProhibitControlCharactersValidator(_("Enter a valid URL."), "invalid"),
        URLValidator(schemes=["http", "https"]),
    ]

    def run_validators(self, value: str) -> None:
        if value in self.empty_values:
            return
        for validator in self.validators:
            validator(value)


def issue_token(article: Article, issued_at: float | None = None) -> str:
    """The form's signed stamp: which article, and the hour the form was shown.

    The same for every reader within the hour, so that a page with the form is the
    same bytes for everyone and every cache can keep it.
    """
    issued_at = time.time() if issued_at is None else issued_at
    hour = int(issued_at // STAMP_SECONDS * STAMP_SECONDS)
    # Signer, not signing.dumps: dumps adds the second it signed at, and the page's
    # bytes (and ETag) would change every second.
    return signing.Signer(salt=TOKEN_SALT).sign_object({"a": article.pk, "at": hour})


def replay_key(comment: Comment) -> str:
    """What makes two posts the same post: one article and thread, one person, one text,
    one day. A form sent twice (a double click, a replay) collides on it."""
    day = comment.submitted_at.date().isoformat()
    words = [
        str(comment.article_id),
        str(comment.parent_id or ""),
        comment.name,
        comment.email.strip().lower(),
        comment.website,
        comment.body,
        day,
    ]
    return salted_hmac(TOKEN_SALT, "\x00".join(words), algorithm="sha256").hexdigest()


class CommentForm(forms.Form):
    """A reader's comment. Only these fields are read from the request; any other is ignored."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        validators=[
            ProhibitControlCharactersValidator(_("Your name cannot contain control characters."))
        ],
    )
    email = EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("Never published; so that we can reach you."),
    )
    website = WebsiteField(label=_("Website"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Comment"),
        max_length=BODY_MAX_LENGTH,
        help_text=_(
            "A blank line between paragraphs; *emphasis*, **strong**, and “> ” at the start "
            "of a line to quote. Web addresses become links."
        ),
        widget=forms.Textarea,
        validators=[
            ProhibitControlCharactersValidator(
                _("Your comment cannot contain control characters."), multiline=True
            )
        ],
    )
    remember = forms.BooleanField(
        label=_("Remember my name, email and website on this browser"), required=False
    )
    notify = forms.BooleanField(
        label=_("Email me when someone replies"),
        required=False,
        help_text=_("After you confirm your address by the link we email you."),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    # Humans never see this field (it is hidden by the stylesheet); bots fill it in.
    subject = forms.CharField(label=_("Leave this field empty"), required=False)

    # The page shows the comment box first; the error summary follows the same order.
    field_order = ["body", "name", "email", "website"]

    def __init__(self, *args, article: Article, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        self.parent_comment: Comment | None = None
        self.answered_comment: Comment | None = None
        self.fields["name"].widget.attrs.update(autocomplete="name")
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["website"].widget.attrs.update(autocomplete="url")
        limit_body(self.fields["body"])
        self.fields["subject"].widget.attrs.update(autocomplete="off", tabindex="-1")

    def get_comment_object(self, **fields) -> Comment:
        """An unsaved Comment from the valid form; fields adds what only the request knows."""
        data = self.cleaned_data
        comment = Comment(
            article=self.article,
            parent=self.parent_comment,
            answers=self.answered_comment,
            name=data["name"],
            email=data["email"],
            website=data["website"] or "",
            body=data["body"],
            **fields,
        )
        comment.token = replay_key(comment)
        return comment

    @property
    def remembered(self) -> dict[str, str]:
        """What "remember me" keeps of a valid form."""
        return {key: self.cleaned_data[key] or "" for key in ("name", "email", "website")}

    def clean_subject(self) -> str:
        if self.cleaned_data["subject"]:
            raise forms.ValidationError(_("This field must stay empty."), code="honeypot")
        return ""

    def clean_parent(self) -> int | None:
        parent_id = self.cleaned_data["parent"]
        if parent_id is None:
            return None
        parent = (
            Comment.objects.approved()
            .not_removed()
            .filter(article=self.article, pk=parent_id)
            .select_related("parent")
            .first()
        )
        if parent is None:
            raise forms.ValidationError(_("The comment you are replying to is not available."))
        # Replies are one level deep: answering a reply joins its thread, naming whom it answers.
        self.parent_comment = parent.parent or parent
        self.answered_comment = parent
        return self.parent_comment.pk

    def clean_token(self) -> str:
        """The form's stamp, if it was shown for this article recently enough."""
        expired = forms.ValidationError(
            _("This form has expired. Please check your comment and send it again."),
            code="expired",
        )
        try:
            payload = signing.Signer(salt=TOKEN_SALT).unsign_object(self.cleaned_data["token"])
            article_id, issued_at = payload["a"], int(payload["at"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise expired from None
        age = time.time() - issued_at
        if article_id != self.article.pk or age > settings.COMMENTS_MAX_FORM_AGE + STAMP_SECONDS:
            raise expired
        return self.cleaned_data["token"]


class ManageRequestForm(forms.Form):
    """The address to send a "manage my comments" link to."""

    email = EmailField(label=_("Your email"), max_length=254)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(autocomplete="email")


class EditForm(forms.Form):
    """A commenter's correction of their own comment's text."""

    body = CommentForm.base_fields["body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_body(self.fields["body"])
