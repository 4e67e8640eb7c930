"""Scheduling as a first-class action: a Schedule button that asks for a time to come,
a scheduled story that stays in sight in the list, and the time's coming taking it live
by the path of a publish click (kept pages dropped, author told): a task queued for the
time, and a sweep for anything overdue."""

import datetime
from unittest import mock

from django.core import mail
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from blog import workflow
from blog.models import Article
from sitewide.models import SiteSettings
from tests.base import make_article, make_chief_editor, make_contributor, make_editor, sign_in
from tests.blog.test_admin import submission_form_data
from tests.blog.test_workflow import change_url

Status = Article.Status
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def form_time(when: datetime.datetime) -> dict:
    local = timezone.localtime(when)
    return {
        "published_at_0": local.date().isoformat(),
        "published_at_1": local.strftime("%H:%M:%S"),
    }


def in_a_minute() -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(minutes=1)).replace(microsecond=0)


class ScheduleButtonTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.contributor = make_contributor(email="lea@example.com")
        cls.chief = make_chief_editor()

    def setUp(self):
        self.article = make_article(
            author=self.contributor, status=Status.IN_REVIEW, published_at=None
        )
        sign_in(self.client, self.chief)

    def schedule(self, **fields):
        data = submission_form_data(self.article, **{"_schedule": "Programmer", **fields})
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(change_url(self.article), data)

    def test_publishers_get_a_schedule_button_contributors_do_not(self):
        self.assertContains(self.client.get(change_url(self.article)), 'name="_schedule"')
        self.client.force_login(self.contributor)
        self.assertNotContains(self.client.get("/admin/blog/article/add/"), 'name="_schedule"')

    def test_schedule_asks_for_a_time_to_come_and_keeps_the_text(self):
        for fields in [{}, form_time(timezone.now() - datetime.timedelta(hours=1))]:
            response = self.schedule(title="Mon titre retouché", **fields)
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "Choisissez une date à venir")
            self.assertContains(response, 'value="Mon titre retouché"')
        self.article.refresh_from_db()
        self.assertEqual(self.article.status, Status.IN_REVIEW)

    def test_scheduled_it_stays_in_sight_and_its_author_is_told(self):
        when = in_a_minute()
        response = self.schedule(**form_time(when))
        self.assertRedirects(response, "/admin/blog/article/?state=scheduled")
        self.assertContains(self.client.get(response.url), "From the admin")
        self.article.refresh_from_db()
        self.assertEqual(self.article.published_at, when)
        self.assertTrue(self.article.is_scheduled() and self.article.going_live)
        [message] = mail.outbox
        self.assertEqual(message.subject, "[Carnet] Votre article est programmé")

    @override_settings(TASKS=DATABASE_TASKS)
    def test_a_task_waits_in_the_queue_for_the_scheduled_time(self):
        when = in_a_minute()
        self.schedule(**form_time(when))
        queued = DBTaskResult.objects.filter(task_path="blog.workflow.go_live_when_due").get()
        self.assertEqual(queued.run_after, when)
        self.assertEqual(queued.args_kwargs["args"], [self.article.pk, "http://testserver"])


class GoLiveTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        SiteSettings.load()
        cls.author = make_editor(email="author@example.com")

    def setUp(self):
        self.article = make_article(
            author=self.author, title="À l’heure dite", published_at=in_a_minute()
        )

    def time_comes(self):
        """The clock passes the scheduled time (the row moved, as the clock would)."""
        Article.objects.filter(pk=self.article.pk).update(
            published_at=timezone.now() - datetime.timedelta(seconds=1)
        )

    def test_the_task_does_nothing_before_the_time_and_takes_it_live_after(self):
        self.assertFalse(workflow.go_live_when_due.call(self.article.pk, "https://x.example"))
        self.assertEqual(mail.outbox, [])
        self.time_comes()
        with self.captureOnCommitCallbacks(execute=True):
            went_live = workflow.go_live_when_due.call(self.article.pk, "https://x.example")
        self.assertTrue(went_live)
        [message] = mail.outbox
        self.assertEqual(message.subject, "[Carnet] Votre article est publié")
        self.assertIn("a été publié à l’heure prévue", message.body)
        self.assertIn(f"https://x.example/articles/{self.article.slug}/", message.body)

    def test_it_goes_live_once_whoever_comes_first(self):
        self.time_comes()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("publish_due")  # the sweep
            self.assertFalse(workflow.go_live_when_due.call(self.article.pk, ""))  # the task
            call_command("publish_due")
        self.assertEqual(len(mail.outbox), 1)

    def test_the_front_page_and_the_feed_show_it_once_live(self):
        for path in ["/", "/feed/"]:
            self.assertNotContains(self.client.get(path), "À l’heure dite")  # and kept
        self.time_comes()
        with mock.patch.object(
            Article, "went_live", autospec=True, side_effect=Article.went_live
        ) as went:
            workflow.sweep()
        # The kept pages it enters are forgotten (tests/test_cache_tags.py).
        went.assert_called_once()
        self.assertContains(self.client.get("/"), "À l’heure dite")
        self.assertContains(self.client.get("/feed/"), "À l’heure dite")

    def test_unpublished_before_its_time_it_never_goes_live(self):
        self.article.status = Status.DRAFT
        self.article.save()
        self.time_comes()
        self.assertEqual(workflow.sweep(), 0)
        self.assertEqual(mail.outbox, [])

    def test_an_article_published_at_once_is_not_swept(self):
        make_article(author=self.author)
        self.assertEqual(Article.objects.due().count(), 0)
