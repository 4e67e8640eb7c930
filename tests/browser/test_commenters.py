"""Commenters in control: remembered by choice, told of replies, managing their own words.

The mail Carnet sends is read from Django's test outbox: the live server runs the tasks
right after each commit, in this process.
"""

import json
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.test_comments import comment_form_or_skip
from tests.browser.test_conflicts import assert_accessible_everywhere
from tests.browser.test_editing import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

READER = "dominique.reader@example.com"


def mail_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def link(message, kind: str) -> str:
    """The path of the message's link of that kind (confirm, unsubscribe, manage), with
    the secret after its "#" when it has one."""
    found = re.search(rf"https?://[^/\s]+(/(?:en/)?comments/{kind}/\S+)", message.body)
    assert found, message.body
    return found.group(1)


def fill_comment(page, body: str, name: str = "Dominique", email: str = READER) -> None:
    form = comment_form_or_skip(page)
    form.locator("#id_body").fill(body)
    form.locator("#id_name").fill(name)
    form.locator("#id_email").fill(email)


def test_a_reader_is_remembered_by_choice_and_forgotten_by_a_link(demo, reader):
    page = reader.page
    reader.go(demo.get_absolute_url())
    fill_comment(page, "Merci pour cet article.")
    page.locator("#id_website").fill("https://dominique.example")
    remember = page.get_by_label("Enregistrer mon nom, mon e-mail et mon site web")
    expect(remember).not_to_be_checked()
    remember.check()
    page.get_by_role("button", name="Publier le commentaire").click()
    expect(page.locator(".comment--pending")).to_contain_text("Merci pour cet article.")

    # Another day: the form is filled in for this browser only.
    reader.go("/")
    reader.go(demo.get_absolute_url())
    expect(page.locator("#id_name")).to_have_value("Dominique")
    expect(page.locator("#id_email")).to_have_value(READER)
    expect(page.locator("#id_website")).to_have_value("https://dominique.example")
    expect(remember).to_be_checked()
    expect(page.locator("#id_body")).to_have_value("")
    reader.assert_accessible("the article with a remembered reader")

    page.get_by_role("link", name="Oublier mes coordonnées").click()
    expect(page.locator(".messages")).to_contain_text("Ce navigateur ne retient plus")
    expect(page.locator("#id_email")).to_have_value("")
    expect(page.locator("#id_name")).to_have_value("")
    reader.assert_accessible("the article after forget me")


def test_a_reader_is_told_of_a_reply_and_unsubscribes_in_one_click(
    demo, browsing, approved_comment
):
    reader = browsing()
    page = reader.page
    reader.go(demo.get_absolute_url())
    page.get_by_role("link", name=f"Répondre à {approved_comment.name}").click()
    fill_comment(page, "Qu'en pensent les autres ?")
    page.get_by_label("M’avertir par e-mail quand quelqu’un répond").check()
    page.get_by_role("button", name="Publier le commentaire").click()
    expect(page.locator(".comment--pending")).to_contain_text("Qu'en pensent les autres ?")

    [confirmation] = mail_to(READER)
    reader.go(link(confirmation, "confirm"))
    reader.assert_accessible("the confirmation page")
    page.get_by_role("button", name="Oui, je l’ai écrit : confirmer").click()
    expect(page.locator("h1")).to_have_text("Votre e-mail est confirmé")
    expect(page.locator(".message")).to_contain_text("Nous vous écrirons")
    reader.assert_accessible("the confirmed page")

    from comments.models import Comment

    mine = Comment.objects.get(email=READER)
    moderator = browsing(locale="en")
    log_in(moderator.page, "moderator")
    mine.approve(by=None)
    # Someone answers Dominique; the moderator approves the answer.
    other = browsing()
    other.go(f"{demo.get_absolute_url()}?reply_to={mine.pk}#comment-form")
    fill_comment(other.page, "Je vous réponds.", name="Sacha", email="sacha@example.com")
    other.page.get_by_role("button", name="Publier le commentaire").click()
    answer = Comment.objects.get(email="sacha@example.com")
    moderator.go("/admin/comments/comment/")
    moderator.page.locator(f'input[name="_selected_action"][value="{answer.pk}"]').check()
    moderator.page.locator('select[name="action"]').select_option("approve")
    moderator.page.locator('button[name="index"]').click()
    expect(moderator.page.locator(".messagelist")).to_contain_text("1 comment approved.")

    [notice] = [m for m in mail_to(READER) if "réponse" in m.subject]
    assert "Sacha" in notice.body and "Je vous réponds." in notice.body
    assert "sacha@example.com" not in notice.body + str(notice.extra_headers)
    assert notice.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = link(notice, "unsubscribe")
    assert notice.extra_headers["List-Unsubscribe"].endswith(f"{unsubscribe}>")

    reader.go(unsubscribe)
    reader.assert_accessible("the unsubscribe page")
    page.get_by_role("button", name="Me désabonner").click()
    expect(page.locator(".message")).to_contain_text("Vous ne recevrez plus")
    reader.assert_accessible("the unsubscribed page")
    # A slip of the finger: undone at once, then done again.
    page.get_by_role("button", name="M’envoyer de nouveau les réponses").click()
    expect(page.locator(".message")).to_contain_text("Nous vous écrirons de nouveau")
    page.get_by_role("button", name="Me désabonner").click()
    expect(page.locator(".message")).to_contain_text("Vous ne recevrez plus")
    from comments.models import Subscription

    assert not Subscription.objects.filter(comment=mine).exists()


def test_a_reader_manages_edits_downloads_and_erases_through_the_emailed_link(demo, reader):
    page = reader.page
    reader.go(demo.get_absolute_url())
    fill_comment(page, "Une coquile ici.")
    page.get_by_role("button", name="Publier le commentaire").click()
    expect(page.locator(".comment--pending")).to_contain_text("Une coquile ici.")

    page.get_by_role("link", name="Gérer mes commentaires").click()
    expect(page.locator("h1")).to_have_text("Gérer mes commentaires")
    reader.assert_accessible("the manage request page")
    page.locator("#id_email").fill(READER)
    page.get_by_role("button", name="M’envoyer le lien").click()
    expect(page.locator("h1")).to_have_text("Consultez votre messagerie")
    reader.assert_accessible("the manage request answer")

    [request] = [m for m in mail_to(READER) if "Gérer" in m.subject]
    reader.go(link(request, "manage"))
    expect(page.locator(".my-comment")).to_contain_text("Une coquile ici.")
    expect(page.locator(".my-comment")).to_contain_text("En attente")
    reader.assert_accessible("the manage page")

    page.locator(".my-comment").get_by_role("link", name="Modifier").click()
    expect(page.locator("#id_body")).to_be_visible()
    reader.assert_accessible("the edit page")
    page.locator("#id_body").fill("Une coquille corrigée ici.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".messages")).to_contain_text("Votre commentaire est corrigé")
    expect(page.locator(".my-comment")).to_contain_text("Une coquille corrigée ici.")
    expect(page.locator(".my-comment")).to_contain_text("modifié")

    # Deleting asks first; the reader changes their mind.
    page.locator(".my-comment").get_by_role("link", name="Supprimer").click()
    expect(page.locator(".quoted-comment")).to_contain_text("Une coquille corrigée ici.")
    reader.assert_accessible("the delete page")
    page.get_by_role("link", name="Annuler").click()
    expect(page.locator(".my-comment")).to_have_count(1)

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger tout ce qui est conservé sur moi").click()
    data = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert data["email"] == READER
    assert [c["body"] for c in data["comments"]] == ["Une coquille corrigée ici."]

    page.get_by_role("link", name="Effacer mes données").click()
    expect(page.get_by_role("button", name="Effacer mes données")).to_be_visible()
    reader.assert_accessible("the erase page")
    page.get_by_role("button", name="Effacer mes données").click()
    expect(page.locator("h1")).to_have_text("Vos données sont effacées")
    reader.assert_accessible("the erased page")

    from comments.models import Comment

    assert not Comment.objects.from_email(READER).exists()
    # The link still opens, on nothing; the pages need it.
    reader.go(link(request, "manage"))
    expect(page.locator(".my-comments")).to_contain_text("Aucun commentaire")
    page.context.clear_cookies()
    reader.go("/comments/manage/mine/", status=403)
    expect(page.locator("h1")).to_have_text("Ce lien ne s’ouvre pas")
    reader.assert_accessible("the link error page")


def test_a_commenter_deletes_one_of_two_comments_and_the_same_link_shows_the_other(demo, browsing):
    reader = browsing()
    page = reader.page
    reader.go(demo.get_absolute_url())
    for body in ["Premier avis.", "Second avis."]:
        fill_comment(page, body)
        page.get_by_role("button", name="Publier le commentaire").click()
        expect(page.locator(".comment--pending").last).to_contain_text(body)
    [confirmation, *_] = mail_to(READER)
    manage = link(confirmation, "manage")
    secret = manage.partition("#")[2]
    reader.go(manage)
    expect(page.locator(".my-comment")).to_have_count(2)
    # The secret came after "#": neither the address bar nor the history keep it.
    assert secret not in page.url
    page.locator(".my-comment", has_text="Premier avis.").get_by_role(
        "link", name="Supprimer"
    ).click()
    page.get_by_role("button", name="Supprimer mon commentaire").click()
    expect(page.locator(".messages")).to_contain_text("Votre commentaire est supprimé")
    expect(page.locator(".my-comment")).to_have_count(1)

    # Later, on a phone, the same mailed link.
    other = browsing(viewport=PHONE)
    other.go(manage)
    expect(other.page.locator(".my-comment")).to_have_count(1)
    expect(other.page.locator(".my-comment")).to_contain_text("Second avis.")
    other.assert_accessible("the manage page after a deletion")


def test_a_manage_link_opens_without_javascript_by_pasting_its_code(demo, browsing):
    from tests.base import make_comment

    make_comment(article=demo, email=READER, body="Sans script.")
    # The page as a link without its secret shows it (axe needs scripts: checked here).
    for path in ["/comments/manage/open/", "/en/comments/confirm/"]:
        looker = browsing()
        looker.go(path)
        expect(looker.page.locator("#id_token")).to_be_visible()
        looker.assert_accessible(f"the page of an emailed link, {path}")
    reader = browsing(java_script_enabled=False)
    page = reader.page
    reader.go("/comments/manage/")
    page.locator("#id_email").fill(READER)
    page.get_by_role("button", name="M’envoyer le lien").click()
    [request] = [m for m in mail_to(READER) if "Gérer" in m.subject]
    path, _, secret = link(request, "manage").partition("#")
    reader.go(path)
    page.get_by_label("Le code de l’e-mail").fill(secret)
    page.get_by_role("button", name="Ouvrir").click()
    expect(page.locator(".my-comment")).to_contain_text("Sans script.")


def test_a_visitor_typing_a_regulars_email_gets_no_auto_approval(demo, browsing, approved_comment):
    from comments.models import Comment
    from sitewide.models import SiteSettings

    site = SiteSettings.load()
    site.comments_trust_confirmed = True
    site.save()
    regular = approved_comment.email

    impostor = browsing()
    impostor.go(demo.get_absolute_url())
    fill_comment(impostor.page, "Je suis pascal, croyez-moi.", name="pascal", email=regular)
    impostor.page.get_by_role("button", name="Publier le commentaire").click()
    expect(impostor.page.locator(".comment--pending")).to_contain_text("croyez-moi")
    impostor.assert_accessible("the impostor's pending comment")

    posted = Comment.objects.get(body="Je suis pascal, croyez-moi.")
    assert posted.status == Comment.Status.PENDING
    # The confirmation went to the regular's mailbox, not to the visitor, and carries
    # nothing the visitor typed.
    [confirmation] = mail_to(regular)
    assert "croyez-moi" not in confirmation.body
    assert "pascal" not in confirmation.body
    assert "ignorez cet e-mail" in confirmation.body

    passer_by = browsing()
    passer_by.go(demo.get_absolute_url())
    expect(passer_by.page.locator(f"#comment-{posted.pk}")).to_have_count(0)

    # The real regular confirms what is theirs only; here, they would not: a visit
    # to the link (a mail scanner's, say) approves nothing.
    scanner = browsing()
    scanner.go(link(confirmation, "confirm"))
    assert Comment.objects.get(pk=posted.pk).status == Comment.Status.PENDING


def test_a_reply_to_a_deleted_comment_keeps_its_place_with_the_trace(demo, browsing):
    from comments import links
    from tests.base import make_comment

    top = make_comment(article=demo, name="Léa", body="Qu’en pensez-vous ?")
    mine = make_comment(
        article=demo,
        parent=top,
        answers=top,
        email=READER,
        name="Dominique",
        body="Mon avis tranché.",
    )
    answer = make_comment(
        article=demo, parent=top, answers=mine, name="Sacha", body="Je ne suis pas d’accord."
    )
    reader = browsing()
    page = reader.page
    reader.go(f"/comments/manage/open/#{links.make_manage(READER)}")
    page.locator(".my-comment").get_by_role("link", name="Supprimer").click()
    expect(page.locator("main")).to_contain_text("une trace reste à sa place")
    page.get_by_role("button", name="Supprimer mon commentaire").click()
    expect(page.locator(".messages")).to_contain_text("Votre commentaire est supprimé")

    reader.go(demo.get_absolute_url())
    trace = page.locator(f"#comment-{mine.pk}")
    expect(trace).to_have_text("Commentaire supprimé par son auteur")
    expect(page.locator("#comments")).not_to_contain_text("Mon avis tranché.")
    expect(page.locator("#comments")).not_to_contain_text("Dominique")
    reply = page.locator(f"#comment-{answer.pk}")
    expect(reply).to_contain_text("Je ne suis pas d’accord.")
    # The reply keeps its place in the thread, and still says what it answers.
    thread = page.locator(f"li:has(#comment-{top.pk}) .comment-list--replies > li")
    expect(thread.locator("article")).to_have_count(2)
    expect(thread.nth(0).locator("article")).to_have_id(f"comment-{mine.pk}")
    expect(thread.nth(1).locator("article")).to_have_id(f"comment-{answer.pk}")
    reply.get_by_role("link", name="En réponse à un commentaire supprimé").click()
    expect(page).to_have_url(re.compile(f"#comment-{mine.pk}$"))
    assert_accessible_everywhere(reader, "an article with a deleted comment's trace")


def test_an_english_commenters_mail_is_english_with_english_links(demo, browsing):
    reader = browsing(locale="en")
    page = reader.page
    reader.go(f"/en{demo.get_absolute_url()}")
    fill_comment(page, "Thank you for this piece.", name="Sam")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".messages")).to_contain_text("Check your mail")
    [confirmation] = mail_to(READER)
    assert "Confirm your email" in confirmation.subject
    assert "Thank you for this piece." not in confirmation.body
    confirm, manage = link(confirmation, "confirm"), link(confirmation, "manage")
    assert confirm.startswith("/en/comments/confirm/#")
    assert manage.startswith("/en/comments/manage/open/#")
    reader.go(confirm)
    expect(page.locator("main")).to_contain_text("Thank you for this piece.")
    page.get_by_role("button", name="Yes, I wrote it: confirm").click()
    expect(page.locator("h1")).to_have_text("Your email is confirmed")
    reader.assert_accessible("the English confirmed page")


def test_a_6000_character_comment_gets_a_counter_and_a_clear_refusal_its_text_kept(demo, browsing):
    reader = browsing()
    page = reader.page
    reader.go(demo.get_absolute_url())
    words = ("Un long développement. " * 300)[:5999] + "!"
    fill_comment(page, words)
    counter = page.locator("#id_body_counter")
    # Nothing is cut as it is typed: the box holds all 6,000, and says how many too many.
    expect(page.locator("#id_body")).to_have_value(words)
    expect(counter).to_have_text(
        "6\u202f000 caractères : 1\u202f000 de plus que les 5\u202f000 permis"
    )
    expect(counter).to_have_class(re.compile("counter--over"))
    assert_accessible_everywhere(reader, "a comment box past its limit")
    page.get_by_role("button", name="Publier le commentaire").click()
    expect(page.locator(".error-summary")).to_contain_text("5000")
    expect(page.locator("#id_body")).to_have_value(words)
    page.locator("#id_body").fill(words[:4000])
    expect(counter).to_have_text("4\u202f000 caractères sur 5\u202f000")
    page.get_by_role("button", name="Publier le commentaire").click()
    expect(page.locator(".comment--pending")).to_contain_text("Un long développement.")


def test_a_reader_quotes_a_comment_and_the_quote_is_published_as_one(demo, browsing):
    from comments.models import Comment
    from tests.base import make_comment

    make_comment(article=demo, name="Léa", body="Le *premier* point.\n\nLe second.")
    reader = browsing()
    page = reader.page
    reader.go(demo.get_absolute_url())
    lea = page.locator(".comment", has_text="Le premier point.")
    lea.get_by_role("button", name="Citer").click()
    box = page.locator("#id_body")
    expect(box).to_be_focused()
    expect(box).to_have_value("> Le premier point.\n>\n> Le second.\n\n")
    box.press("End")
    box.type("Je ne suis pas d’accord.")
    assert_accessible_everywhere(reader, "a comment box with a quote")
    form = comment_form_or_skip(page)
    form.locator("#id_name").fill("Dominique")
    form.locator("#id_email").fill(READER)
    page.get_by_role("button", name="Publier le commentaire").click()
    mine = Comment.objects.get(email=READER)
    assert mine.body_html.startswith("<blockquote><p>Le premier point.")
    expect(page.locator(".comment--pending blockquote")).to_contain_text("Le second.")


def test_reply_opens_the_form_under_the_comment_it_answers(demo, browsing):
    from comments.models import Comment
    from tests.base import make_comment

    lea = make_comment(article=demo, name="Léa", body="Un avis à discuter.")
    reader = browsing()
    page = reader.page
    reader.go(demo.get_absolute_url())
    address = page.url
    page.locator(f"#comment-{lea.pk}").get_by_role("link", name="Répondre à Léa").click()
    # The form moved under Léa's comment, on the same page, saying what it answers.
    expect(page.locator(f"#comment-{lea.pk} + #comment-form")).to_have_count(1)
    assert page.url == address
    form = page.locator("#comment-form")
    expect(form.locator(".comment-form__title")).to_have_text("Répondre à Léa")
    expect(form.locator(".comment-form__answering")).to_have_text("Un avis à discuter.")
    expect(form.locator("#id_body")).to_be_focused()
    assert_accessible_everywhere(reader, "the reply form under its comment")
    # Changed their mind: the form goes back where it was, answering nobody.
    form.get_by_role("button", name="Annuler la réponse").click()
    expect(page.locator(f"#comment-{lea.pk} + #comment-form")).to_have_count(0)
    expect(form.locator(".comment-form__title")).to_have_text("Laisser un commentaire")
    expect(form.locator(".comment-form__answering")).to_have_count(0)
    expect(form.locator("#id_body")).to_be_focused()
    page.locator(f"#comment-{lea.pk}").get_by_role("link", name="Répondre à Léa").click()
    expect(page.locator(f"#comment-{lea.pk} + #comment-form")).to_have_count(1)
    fill_comment(page, "Je réponds sous votre avis.")
    page.get_by_role("button", name="Publier le commentaire").click()
    expect(page.locator(".comment--pending")).to_contain_text("Je réponds sous votre avis.")
    assert Comment.objects.get(email=READER).parent_id == lea.pk


def test_on_a_phone_the_notice_of_a_posted_comment_is_beside_the_comment(demo, browsing):
    """Sent back to their comment, far down a long article, the reader reads the notice there."""
    from comments.models import Comment

    reader = browsing(viewport=PHONE)
    page = reader.page
    reader.go(demo.get_absolute_url())
    fill_comment(page, "Lu sur mon téléphone, dans le train.")
    page.get_by_role("button", name="Publier le commentaire").click()
    mine = Comment.objects.get(body="Lu sur mon téléphone, dans le train.")
    expect(page).to_have_url(re.compile(f"#comment-{mine.pk}$"))
    notice = page.locator(".messages")
    expect(notice).to_contain_text("Consultez votre messagerie")
    expect(notice).to_be_in_viewport()
    # Right before the comment it speaks of, not at the top of the article.
    following = notice.locator("xpath=following-sibling::*[1]")
    expect(following).to_have_id(f"comment-{mine.pk}")
    reader.assert_accessible("an article with the notice of a held comment")
