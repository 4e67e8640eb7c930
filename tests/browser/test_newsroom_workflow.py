"""The newsroom's workflow as its people live it: addresses that write out French
letters, an article dated by the click that publishes it, a send-back that says why,
a submission its author reads, previews and takes back, a scheduled article that goes
live at its time. axe on each screen, light and dark, desktop and phone."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from sitewide.slugs import slugify
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_newsroom import log_in, write_body

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "Au cœur des tensions"


def quiet(person) -> None:
    """Leave for a page with no form before the test reads the database: a form's
    autosave and presence calls share the test's one SQLite connection."""
    person.go("/admin/")


def submit_new_article(contributor, body: str) -> None:
    """The signed-in contributor writes a new article titled TITLE and submits it."""
    page = contributor.page
    contributor.go("/admin/blog/article/add/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_title").press("Tab")
    write_body(page, body)
    page.get_by_role("button", name="Soumettre à la relecture").click()
    expect(page.locator(".messagelist .success").first).to_be_visible()
    quiet(contributor)


def test_address_fields_write_out_french_letters_as_the_server_does(demo, browsing):
    editor = browsing()
    page = editor.page
    log_in(page, "editor")
    for form, title in [
        ("/admin/blog/article/add/", "#id_title"),
        ("/admin/blog/category/add/", "#id_name"),
        ("/admin/pages/page/add/", "#id_title"),
    ]:
        editor.go(form)
        page.locator(title).fill(TITLE)
        page.locator(title).press("Tab")
        expect(page.locator("#id_slug")).to_have_value("au-coeur-des-tensions")
    titles = ["L’été de l'Œuvre", "Straße, Ærø et Łódź", "Paris–Berlin/Moscou", "Þórður"]
    in_the_browser = page.evaluate("titles => titles.map(t => URLify(t, 200))", titles)
    assert in_the_browser == [slugify(title) for title in titles]
    quiet(editor)


def test_an_article_is_dated_by_the_click_that_publishes_it(newsroom, browsing):
    from blog.models import Article

    # The contributor opens the form and writes for a few minutes before submitting.
    started = timezone.now() - datetime.timedelta(minutes=5)
    contributor = browsing()
    page = contributor.page
    with mock.patch("django.utils.timezone.now", return_value=started):
        log_in(page, "contributor")
        submit_new_article(contributor, "<p>Les négociations ont repris à Genève.</p>")
    article = Article.objects.get(title=TITLE)
    assert article.published_at is None

    # The editor-in-chief publishes it, the form's time left as it was offered: empty.
    chief = browsing()
    page = chief.page
    log_in(page, "editor")
    chief.go(f"/admin/blog/article/{article.pk}/change/")
    expect(page.locator("#id_published_at_0")).to_have_value("")
    clicked = timezone.now().replace(microsecond=0)
    page.get_by_role("button", name="Publier").click()
    expect(page.locator(".messagelist")).to_contain_text("Publié.")
    quiet(chief)
    article.refresh_from_db()
    assert clicked <= article.published_at <= timezone.now()

    reader = browsing()
    reader.go(article.get_absolute_url())
    published = timezone.localtime(article.published_at).isoformat()
    expect(reader.page.locator(".article__header time").first).to_have_attribute(
        "datetime", published
    )


def test_a_send_back_with_a_reason_reaches_the_author(newsroom, browsing):
    from blog.models import Article

    # The contributor submits, then reads the submission as it was sent, and previews it.
    contributor = browsing()
    page = contributor.page
    log_in(page, "contributor")
    submit_new_article(
        contributor, "<h2>À Genève</h2><p>Les négociations ont <strong>repris</strong>.</p>"
    )
    article = Article.objects.get(title=TITLE)
    contributor.go(f"/admin/blog/article/{article.pk}/change/")
    body = page.locator(".rendered-body")
    expect(body.locator("h2")).to_have_text("À Genève")
    expect(body.locator("strong")).to_have_text("repris")
    contributor.assert_accessible("a submission, read only (contributor)")
    with page.expect_popup() as popup:
        page.get_by_role("link", name="Aperçu", exact=True).click()
    preview = popup.value
    expect(preview.locator(".preview-banner")).to_contain_text("en relecture")
    expect(preview.locator(".article__body strong")).to_have_text("repris")
    preview.close()

    # The editor-in-chief sends it back: first without a reason, which is asked for.
    chief = browsing()
    page = chief.page
    log_in(page, "editor")
    chief.go(f"/admin/blog/article/{article.pk}/change/")
    page.locator("#id_title").fill(TITLE + " (à revoir)")
    page.get_by_role("button", name="Renvoyer à l’auteur").click()
    expect(page.locator(".field-review_note .errorlist")).to_contain_text("Dites pourquoi")
    expect(page.locator("#id_title")).to_have_value(TITLE + " (à revoir)")  # nothing lost
    chief.assert_accessible("send-back without a reason")
    page.get_by_label("Pourquoi il repart").fill("Il manque la source de la reprise.")
    page.get_by_role("button", name="Renvoyer à l’auteur").click()
    expect(page.locator(".messagelist")).to_contain_text("Renvoyé à l’auteur comme brouillon.")
    quiet(chief)

    # The reason reaches the contributor, by email and in the article's history.
    sent_back = [m for m in mail.outbox if "vous revient" in m.subject]
    assert len(sent_back) == 1, [m.subject for m in mail.outbox]
    assert sent_back[0].to == ["contributor@carnet.invalid"]
    assert "Il manque la source de la reprise." in sent_back[0].body
    page = contributor.page
    contributor.go(f"/admin/blog/article/{article.pk}/history/")
    expect(page.locator("#revision-list")).to_contain_text("Il manque la source de la reprise.")

    # Submitted again, then taken back before anyone reviews it.
    contributor.go(f"/admin/blog/article/{article.pk}/change/")
    page.get_by_role("button", name="Soumettre à la relecture").click()
    contributor.go(f"/admin/blog/article/{article.pk}/change/")
    page.get_by_role("link", name="Retirer de la relecture").click()
    expect(page.get_by_role("button", name="Le retirer")).to_be_visible()
    contributor.assert_accessible("withdraw a submission")
    page.get_by_role("button", name="Le retirer").click()
    expect(page.locator(".messagelist")).to_contain_text("Retiré de la relecture")
    expect(page.locator("#id_title")).to_be_editable()
    quiet(contributor)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


@pytest.mark.parametrize(
    "theme,phone", [("light", False), ("dark", False), ("light", True), ("dark", True)]
)
def test_the_review_screens_have_no_axe_violations(newsroom, browsing, theme, phone):
    from blog.models import Article

    submission = Article.objects.get(status=Article.Status.IN_REVIEW)
    screen = {"viewport": PHONE, "is_mobile": True} if phone else {"viewport": DESKTOP}
    label = f"({theme}, {'phone' if phone else 'desktop'})"
    chief = browsing(color_scheme=theme, **screen)
    log_in(chief.page, "editor")
    chief.go(f"/admin/blog/article/{submission.pk}/change/")
    chief.assert_accessible(f"a submission, with the reason to send it back {label}")
    for name, path in [
        ("the page form, with its preview", "/admin/pages/page/add/"),
        ("the article form, with Schedule", "/admin/blog/article/add/"),
        ("the scheduled stories", "/admin/blog/article/?state=scheduled"),
    ]:
        chief.go(path)
        chief.assert_accessible(f"{name} {label}")
    contributor = browsing(color_scheme=theme, **screen)
    log_in(contributor.page, "contributor")
    for name, path in [
        ("a submission, read only", f"/admin/blog/article/{submission.pk}/change/"),
        ("withdraw a submission", f"/admin/blog/article/{submission.pk}/withdraw/"),
        ("a submission's preview", submission.get_absolute_url()),
    ]:
        contributor.go(path)
        contributor.assert_accessible(f"{name} {label}")


def test_a_scheduled_article_goes_live_at_its_time_and_its_author_hears_of_it(newsroom, browsing):
    from django.core.management import call_command

    from blog.models import Article

    submission = Article.objects.get(status=Article.Status.IN_REVIEW)
    chief = browsing()
    page = chief.page
    log_in(page, "editor")
    chief.go(f"/admin/blog/article/{submission.pk}/change/")
    # Schedule with no time: the form asks for one, and keeps the text.
    page.locator("#id_title").fill(submission.title + " !")
    page.get_by_role("button", name="Programmer").click()
    expect(page.locator(".field-published_at .errorlist")).to_contain_text("date à venir")
    expect(page.locator("#id_title")).to_have_value(submission.title + " !")
    chief.assert_accessible("schedule without a time")
    page.locator("#id_title").fill(submission.title)
    when = timezone.localtime() + datetime.timedelta(hours=2)
    page.locator("#id_published_at_0").fill(when.strftime("%d/%m/%Y"))
    page.locator("#id_published_at_1").fill(when.strftime("%H:%M:00"))
    page.get_by_role("button", name="Programmer").click()
    expect(page.locator(".messagelist")).to_contain_text("Programmé pour le")
    # The list opens on the scheduled stories, the new one among them.
    expect(page.locator("#changelist-filter li.selected").first).to_contain_text("Programmé")
    expect(page.locator("#result_list")).to_contain_text(submission.title)
    chief.assert_accessible("the scheduled stories")
    quiet(chief)
    scheduled = [m for m in mail.outbox if "programmé" in m.subject]
    assert [m.to for m in scheduled] == [["contributor@carnet.invalid"]]

    # Readers see nothing of it yet, and their front page and feed are kept so.
    reader = browsing()
    reader.go("/")
    expect(reader.page.get_by_role("link", name=submission.title)).to_have_count(0)
    assert submission.title not in reader.context.request.get(reader.base_url + "/feed/").text()

    # Its time comes (the row's time moved, as the clock would); the minute's sweep takes
    # it live, as the queue's task would have at that time.
    Article.objects.filter(pk=submission.pk).update(
        published_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    call_command("publish_due")
    reader = browsing()
    reader.go("/")
    expect(reader.page.get_by_role("link", name=submission.title).first).to_be_visible()
    assert submission.title in reader.context.request.get(reader.base_url + "/feed/").text()
    published = [m for m in mail.outbox if "est publié" in m.subject]
    assert [m.to for m in published] == [["contributor@carnet.invalid"]]
    assert "à l’heure prévue" in published[0].body


def test_an_editor_previews_a_page_before_saving_it(newsroom, browsing):
    from pages.models import Page

    about = Page.objects.get(slug="a-propos")
    chief = browsing()
    page = chief.page
    log_in(page, "editor")
    chief.go(f"/admin/pages/page/{about.pk}/change/")
    expect(page.locator("#id_slug_helptext")).to_contain_text("/pages/a-propos/")
    # The editor, not the field it stands for: the field is a textbox named "Corps" too
    # until the editor's script hides it, which a click started before then waits on.
    page.locator(".tiptap.ProseMirror").and_(page.get_by_role("textbox", name="Corps")).click()
    page.keyboard.press("Control+A")
    page.keyboard.type("Une rédaction indépendante.")
    with page.expect_popup() as popup:
        page.get_by_role("button", name="Prévisualiser les modifications").click()
    preview = popup.value
    expect(preview.locator(".preview-banner")).to_contain_text("non enregistrées")
    expect(preview.locator(".article__body")).to_have_text("Une rédaction indépendante.")
    chief.page = preview
    chief.assert_accessible("a page's preview")
    preview.close()
    chief.page = page
    quiet(chief)
    about.refresh_from_db()
    assert "indépendante" not in about.body  # nothing saved


def test_a_save_its_role_refuses_gives_the_text_back(newsroom, browsing):
    from blog.models import Article

    draft = Article.objects.create(
        title=TITLE,
        body="<p>Premier jet.</p>",
        author_id=Article.objects.get(status=Article.Status.IN_REVIEW).author_id,
    )
    contributor = browsing()
    page = contributor.page
    log_in(page, "contributor")
    contributor.go(f"/admin/blog/article/{draft.pk}/change/")
    # Meanwhile, from another tab, the same contributor submits the draft for review.
    other_tab = contributor.context.new_page()
    other_tab.goto(f"/admin/blog/article/{draft.pk}/change/")
    other_tab.get_by_role("button", name="Soumettre à la relecture").click()
    expect(other_tab.locator(".messagelist .success").first).to_be_visible()
    other_tab.close()

    page.locator("#id_title").fill("Un titre retravaillé longuement")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("#content")).to_contain_text("Rien de ce que vous avez écrit n’est perdu")
    expect(page.get_by_label("Titre")).to_have_value("Un titre retravaillé longuement")
    contributor.assert_accessible("a save refused, its text given back")
