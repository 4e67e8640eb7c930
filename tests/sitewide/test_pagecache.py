"""sitewide.pagecache: anonymous reads shared and kept, personal ones private."""

import gzip
from unittest import mock

from django.db import OperationalError
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.test import RequestFactory, TestCase, override_settings
from django.utils import translation
from django.views.decorators.cache import never_cache

from sitewide import pagecache


class Counter:
    """A view that counts its renders and answers what it was told; each page shows the
    tags named in its ?shows= (comma-separated)."""

    def __init__(self, **response_options):
        self.renders = 0
        self.response_options = response_options

    def __call__(self, request):
        self.renders += 1
        pagecache.shows(request, *filter(None, request.GET.get("shows", "").split(",")))
        response = HttpResponse(f"page {request.path}", **self.response_options)
        return response


@override_settings(
    CARNET_PAGE_MAX_AGE=60, CARNET_PAGE_STALE_SECONDS=300, CARNET_PAGE_STALE_SERVE_SECONDS=10
)
class PageCacheTests(TestCase):
    def setUp(self):
        self.factory = RequestFactory()

    def get(self, middleware, path="/", **headers):
        """Its answer, once the work left for after it is done (as a WSGI server would)."""
        response = middleware(self.factory.get(path, headers=headers))
        pagecache.finish_response()
        return response

    def test_an_anonymous_read_is_public_with_an_etag(self):
        response = self.get(pagecache.PageCacheMiddleware(Counter()))
        self.assertEqual(
            response["Cache-Control"], "public, max-age=60, stale-while-revalidate=300"
        )
        self.assertTrue(response["ETag"])

    def test_an_anonymous_read_is_rendered_once_then_served_from_the_cache(self):
        view = Counter()
        middleware = pagecache.PageCacheMiddleware(view)
        responses = [self.get(middleware) for _ in range(4)]
        self.assertEqual(view.renders, 1)
        self.assertEqual({r.content for r in responses}, {b"page /"})
        self.assertEqual(len({r["ETag"] for r in responses}), 1)

    def test_each_address_and_encoding_is_kept_apart(self):
        view = Counter()
        middleware = pagecache.PageCacheMiddleware(view)
        for _ in range(2):
            self.get(middleware, "/a/")
            self.get(middleware, "/a/?page=2")
            self.get(middleware, "/a/", **{"Accept-Encoding": "gzip"})
        self.assertEqual(view.renders, 3)
        self.assertEqual(self.get(middleware, "/a/?page=2").content, b"page /a/")

    def test_a_change_to_everything_renders_every_kept_page_again(self):
        view = Counter()
        middleware = pagecache.PageCacheMiddleware(view)
        for path in ["/a/?shows=article:1", "/b/"]:
            self.get(middleware, path)
        with self.captureOnCommitCallbacks(execute=True):
            pagecache.pages_changed()
        for path in ["/a/?shows=article:1", "/b/"]:
            self.get(middleware, path)
        self.assertEqual(view.renders, 4)

    def test_a_change_renders_again_only_the_pages_that_show_what_it_touched(self):
        view = Counter()
        middleware = pagecache.PageCacheMiddleware(view)
        pages = ["/a/?shows=article:1,user:1", "/b/?shows=article:2,user:1", "/c/"]
        for path in pages:
            self.get(middleware, path)
        with self.captureOnCommitCallbacks(execute=True):
            pagecache.changed("article:1")
        for path in pages:
            self.get(middleware, path)
        self.assertEqual(view.renders, 4)
        with self.captureOnCommitCallbacks(execute=True):
            pagecache.changed("user:1", "list:article")
        for path in pages:
            self.get(middleware, path)
        self.assertEqual(view.renders, 6)

    def test_a_hit_reads_the_copy_and_its_tags_numbers_in_one_round_trip(self):
        view = Counter()
        middleware = pagecache.PageCacheMiddleware(view)
        path = "/a/?shows=article:1,user:1"
        self.get(middleware, path)
        self.get(middleware, path)  # this worker now knows the copy's tags
        with mock.patch.object(
            pagecache.cache, "get_many", wraps=pagecache.cache.get_many
        ) as get_many:
            response = self.get(middleware, path)
        self.assertEqual(response["Cache-Status"], "Carnet; hit")
        self.assertEqual(get_many.call_count, 1)
        (keys,), _ = get_many.call_args
        self.assertIn("pages:tag:article:1", keys)
        # A change to one of them is seen by that same read.
        with self.captureOnCommitCallbacks(execute=True):
            pagecache.changed("article:1")
        self.assertIn("stale", self.get(middleware, path)["Cache-Status"])
        self.assertEqual(view.renders, 2)

    def test_a_copy_showing_tags_this_worker_did_not_expect_is_checked_against_all(self):
        view = Counter()
        middleware = pagecache.PageCacheMiddleware(view)
        path = "/a/?shows=article:1"
        with mock.patch.object(pagecache, "_tags_last_served", {}) as guesses:
            self.get(middleware, path)
            self.get(middleware, path)
            # As if another worker had kept a copy showing more than this one last saw.
            (key,) = guesses
            guesses[key] = ("pages:tag:site",)
            with self.captureOnCommitCallbacks(execute=True):
                pagecache.changed("article:1")
            self.assertNotEqual(self.get(middleware, path)["Cache-Status"], "Carnet; hit")
        self.assertEqual(view.renders, 2)

    def test_a_page_rendered_before_the_commit_of_a_change_is_not_kept_past_it(self):
        view = Counter()
        middleware = pagecache.PageCacheMiddleware(view)
        self.get(middleware, "/?shows=article:1")
        with self.captureOnCommitCallbacks(execute=True):
            pagecache.changed("article:1")
            self.get(middleware, "/?shows=article:1")
            self.assertEqual(view.renders, 2)
        # Rendered after the change but before its commit: not kept past the commit.
        self.get(middleware, "/?shows=article:1")
        self.assertEqual(view.renders, 3)
        self.get(middleware, "/?shows=article:1")
        self.assertEqual(view.renders, 3)

    def test_what_a_change_reads_once_committed_is_forgotten_then(self):
        view = Counter()
        middleware = pagecache.PageCacheMiddleware(view)
        self.get(middleware, "/?shows=list:tag:3")
        with self.captureOnCommitCallbacks(execute=True):
            pagecache.changed("article:1", then=lambda: ["list:tag:3"])
            self.get(middleware, "/?shows=list:tag:3")
            self.assertEqual(view.renders, 1)
        self.get(middleware, "/?shows=list:tag:3")
        self.assertEqual(view.renders, 2)

    def test_a_missing_page_is_rendered_again_when_an_address_changes(self):
        view = Counter(status=404)
        middleware = pagecache.PageCacheMiddleware(view)
        self.get(middleware, "/articles/soon/")
        with self.captureOnCommitCallbacks(execute=True):
            pagecache.changed(pagecache.ADDRESSES)
        self.get(middleware, "/articles/soon/")
        self.assertEqual(view.renders, 2)

    @override_settings(CARNET_PAGE_KEEP_SECONDS=3600, CARNET_PAGE_STALE_SECONDS=300)
    def test_a_page_is_kept_until_a_change_or_the_keep_time_a_little_less_at_random(self):
        fresh_for = set()
        for n in range(20):
            with mock.patch.object(pagecache.cache, "set") as kept:
                self.get(pagecache.PageCacheMiddleware(Counter()), f"/{n}/?shows=article:1")
            key, entry, timeout = kept.call_args.args
            self.assertEqual(entry["tags"], ["article:1", "site"])
            fresh_for.add(round(entry["fresh_until"] - entry["stored_at"]))
            # then served stale while one worker renders it again
            self.assertAlmostEqual(timeout, entry["fresh_until"] - entry["stored_at"] + 300)
        self.assertTrue(all(3240 <= seconds <= 3600 for seconds in fresh_for))
        self.assertGreater(len(fresh_for), 1)

    def test_a_kept_copy_says_its_age_and_where_it_came_from(self):
        middleware = pagecache.PageCacheMiddleware(Counter())
        first = self.get(middleware)
        self.assertEqual(first["Cache-Status"], "Carnet; fwd=miss; stored")
        self.assertNotIn("Age", first)
        later = pagecache.time.time() + 42
        with mock.patch.object(pagecache.time, "time", return_value=later):
            again = self.get(middleware)
        self.assertEqual(again["Cache-Status"], "Carnet; hit")
        self.assertEqual(again["Age"], "42")
        self.assertEqual(again["ETag"], first["ETag"])

    def test_while_one_worker_renders_a_stale_page_the_others_serve_the_old_copy(self):
        view = Counter()
        middleware = pagecache.PageCacheMiddleware(view)
        self.get(middleware, "/?shows=article:1")
        pagecache.forget(["article:1"])
        key = pagecache._key(self.factory.get("/?shows=article:1"))
        pagecache.cache.add(f"{key}:rendering", 1, 10)  # another worker is at it
        response = self.get(middleware, "/?shows=article:1")
        self.assertEqual(response["Cache-Status"], "Carnet; hit; detail=stale")
        self.assertEqual(view.renders, 1)
        pagecache.cache.delete(f"{key}:rendering")
        response = self.get(middleware, "/?shows=article:1")
        self.assertEqual(response["Cache-Status"], "Carnet; hit; detail=stale-revalidating")
        self.assertEqual(view.renders, 2)
        self.assertEqual(self.get(middleware, "/?shows=article:1")["Cache-Status"], "Carnet; hit")

    def test_a_server_renders_one_stale_page_at_a_time_and_serves_the_others_stale(self):
        view = Counter()
        middleware = pagecache.PageCacheMiddleware(view)
        self.get(middleware, "/a/?shows=article:1")
        pagecache.forget(["article:1"])
        pagecache.cache.add(pagecache.REVALIDATING, 1, 10)  # a worker renders another page
        response = self.get(middleware, "/a/?shows=article:1")
        self.assertEqual(response["Cache-Status"], "Carnet; hit; detail=stale")
        self.assertEqual(view.renders, 1)
        # Not held back: a page with no copy to serve.
        self.assertEqual(self.get(middleware, "/b/")["Cache-Status"], "Carnet; fwd=miss; stored")
        key = pagecache._key(self.factory.get("/a/?shows=article:1"))
        self.assertIsNone(pagecache.cache.get(f"{key}:rendering"))
        pagecache.cache.delete(pagecache.REVALIDATING)
        response = self.get(middleware, "/a/?shows=article:1")
        self.assertEqual(response["Cache-Status"], "Carnet; hit; detail=stale-revalidating")
        self.assertEqual(view.renders, 3)
        # Its render over, the next stale page may be rendered.
        self.assertIsNone(pagecache.cache.get(pagecache.REVALIDATING))

    def test_a_stale_copy_is_said_stale_to_the_caches_in_front(self):
        middleware = pagecache.PageCacheMiddleware(Counter())
        self.get(middleware, "/?shows=article:1")
        pagecache.forget(["article:1"])
        pagecache.cache.add(pagecache.REVALIDATING, 1, 10)  # a worker renders another page
        response = self.get(middleware, "/?shows=article:1")
        self.assertEqual(response["Cache-Status"], "Carnet; hit; detail=stale")
        self.assertEqual(
            response["Cache-Control"], "public, max-age=0, stale-while-revalidate=300"
        )

    @override_settings(CARNET_PURGE_URL="http://127.0.0.1:6081/", CARNET_PAGE_KEEP_SECONDS=3600)
    def test_a_stale_copy_is_not_kept_by_a_purged_cache_for_hours(self):
        middleware = pagecache.PageCacheMiddleware(Counter())
        kept = self.get(middleware, "/?shows=article:1")
        self.assertIn("s-maxage=3600", kept["Cache-Control"])
        pagecache.forget(["article:1"])
        pagecache.cache.add(pagecache.REVALIDATING, 1, 10)
        response = self.get(middleware, "/?shows=article:1")
        self.assertEqual(
            response["Cache-Control"], "public, max-age=0, stale-while-revalidate=300, s-maxage=0"
        )

    def test_a_page_stale_for_a_while_is_rendered_even_when_the_server_renders_another(self):
        view = Counter()
        middleware = pagecache.PageCacheMiddleware(view)
        self.get(middleware, "/a/?shows=article:1")
        pagecache.forget(["article:1"])
        pagecache.cache.add(pagecache.REVALIDATING, 1, 10)  # taken, again and again
        stale = self.get(middleware, "/a/?shows=article:1")
        self.assertEqual(stale["Cache-Status"], "Carnet; hit; detail=stale")
        later = pagecache.time.time() + pagecache.STALE_WAIT_SECONDS
        with mock.patch.object(pagecache.time, "time", return_value=later):
            response = self.get(middleware, "/a/?shows=article:1")
        self.assertEqual(response["Cache-Status"], "Carnet; hit; detail=stale-revalidating")
        self.assertEqual(view.renders, 2)
        # The other page's turn is still its own.
        self.assertEqual(pagecache.cache.get(pagecache.REVALIDATING), 1)

    def test_a_head_takes_no_render_turn_and_is_answered_from_the_stale_copy(self):
        view = Counter()
        middleware = pagecache.PageCacheMiddleware(view)
        self.get(middleware, "/a/?shows=article:1")
        pagecache.forget(["article:1"])
        response = middleware(self.factory.head("/a/?shows=article:1"))
        self.assertEqual(response["Cache-Status"], "Carnet; hit; detail=stale")
        self.assertEqual(view.renders, 1)
        # The next GET has it rendered again.
        response = self.get(middleware, "/a/?shows=article:1")
        self.assertEqual(response["Cache-Status"], "Carnet; hit; detail=stale-revalidating")
        self.assertEqual(view.renders, 2)

    def test_a_head_of_a_page_never_kept_is_rendered_without_a_lock_and_not_kept(self):
        view = Counter()
        middleware = pagecache.PageCacheMiddleware(view)
        with mock.patch.object(pagecache.cache, "add", wraps=pagecache.cache.add) as locks:
            response = middleware(self.factory.head("/b/"))
        self.assertEqual(response["Cache-Status"], "Carnet; fwd=miss")
        self.assertFalse([call for call in locks.call_args_list if "render" in call.args[0]])
        self.assertEqual(self.get(middleware, "/b/")["Cache-Status"], "Carnet; fwd=miss; stored")
        self.assertEqual(view.renders, 2)

    def test_the_reader_who_finds_a_page_stale_is_answered_before_it_is_rendered_again(self):
        view = Counter()
        middleware = pagecache.PageCacheMiddleware(view)
        self.get(middleware, "/?shows=article:1")
        pagecache.forget(["article:1"])
        response = middleware(self.factory.get("/?shows=article:1"))
        self.assertEqual(response["Cache-Status"], "Carnet; hit; detail=stale-revalidating")
        self.assertEqual(
            response["Cache-Control"], "public, max-age=0, stale-while-revalidate=300"
        )
        self.assertEqual(view.renders, 1)
        # Its turn and its lock are held until the render after the response is done.
        key = pagecache._key(self.factory.get("/?shows=article:1"))
        self.assertIsNotNone(pagecache.cache.get(f"{key}:rendering"))
        self.assertIsNotNone(pagecache.cache.get(pagecache.REVALIDATING))
        pagecache.finish_response()
        self.assertEqual(view.renders, 2)
        self.assertIsNone(pagecache.cache.get(f"{key}:rendering"))
        self.assertIsNone(pagecache.cache.get(pagecache.REVALIDATING))
        self.assertEqual(self.get(middleware, "/?shows=article:1")["Cache-Status"], "Carnet; hit")
        self.assertEqual(view.renders, 2)

    def test_a_stale_404_is_rendered_for_its_reader_its_address_may_be_a_page_now(self):
        view = Counter(status=404)
        middleware = pagecache.PageCacheMiddleware(view)
        self.get(middleware, "/soon/")
        pagecache.forget([pagecache.ADDRESSES])
        response = self.get(middleware, "/soon/")
        self.assertEqual(response["Cache-Status"], "Carnet; fwd=stale; stored")
        self.assertEqual(view.renders, 2)

    def test_an_answer_kept_without_stale_while_revalidate_is_rendered_for_its_reader(self):
        renders = []

        def open_range(request):
            """A live coverage's open range: public briefly, never to be served stale."""
            renders.append(request.path)
            pagecache.shows(request, "article:1")
            return pagecache.share_for(request, HttpResponse("entries"), max_age=5)

        middleware = pagecache.PageCacheMiddleware(open_range)
        self.get(middleware, "/live/1/")
        pagecache.forget(["article:1"])
        response = self.get(middleware, "/live/1/")
        self.assertEqual(response["Cache-Status"], "Carnet; fwd=stale; stored")
        self.assertEqual(len(renders), 2)

    def test_a_copy_stale_longer_than_the_serving_time_is_rendered_for_its_reader(self):
        view = Counter()
        middleware = pagecache.PageCacheMiddleware(view)
        self.get(middleware, "/?shows=article:1")
        pagecache.forget(["article:1"])
        later = pagecache.time.time() + 9
        with mock.patch.object(pagecache.time, "time", return_value=later):
            response = self.get(middleware, "/?shows=article:1")
        self.assertEqual(response["Cache-Status"], "Carnet; hit; detail=stale-revalidating")
        pagecache.forget(["article:1"])
        later = pagecache.time.time() + 10
        with mock.patch.object(pagecache.time, "time", return_value=later):
            response = self.get(middleware, "/?shows=article:1")
        self.assertEqual(response["Cache-Status"], "Carnet; fwd=stale; stored")
        self.assertEqual(view.renders, 3)

    def test_a_failed_render_after_the_response_is_logged_and_leaves_the_turn_free(self):
        view = Counter()
        middleware = pagecache.PageCacheMiddleware(view)
        self.get(middleware, "/?shows=article:1")
        pagecache.forget(["article:1"])
        with mock.patch.object(middleware, "get_response", side_effect=RuntimeError("down")):
            with self.assertLogs("sitewide.pagecache", "ERROR") as logged:
                response = self.get(middleware, "/?shows=article:1")
        self.assertEqual(response.content, b"page /")
        self.assertIn("RuntimeError: down", logged.output[0])
        self.assertIsNone(pagecache.cache.get(pagecache.REVALIDATING))
        # The copy is still stale: the next reader takes the turn and has it rendered.
        response = self.get(middleware, "/?shows=article:1")
        self.assertEqual(response["Cache-Status"], "Carnet; hit; detail=stale-revalidating")
        self.assertEqual(self.get(middleware, "/?shows=article:1")["Cache-Status"], "Carnet; hit")

    def test_a_render_longer_than_its_lock_leaves_the_next_holders_lock(self):
        key = pagecache._key(self.factory.get("/"))

        def slow_view(request):
            # The lock expired during the render, and another worker took it.
            pagecache.cache.set(f"{key}:rendering", 12345, 10)
            return HttpResponse("page")

        self.get(pagecache.PageCacheMiddleware(slow_view))
        self.assertEqual(pagecache.cache.get(f"{key}:rendering"), 12345)

    def test_a_page_never_kept_is_rendered_once_for_readers_asking_at_the_same_time(self):
        view = Counter()
        middleware = pagecache.PageCacheMiddleware(view)
        key = pagecache._key(self.factory.get("/"))
        pagecache.cache.add(f"{key}:rendering", 1, 10)  # another worker is at it

        def the_other_worker_keeps_it(seconds):
            pagecache.cache.delete(f"{key}:rendering")
            pagecache.PageCacheMiddleware(view)(self.factory.get("/"))

        with mock.patch.object(pagecache.time, "sleep", the_other_worker_keeps_it):
            response = self.get(middleware)
        self.assertEqual(response["Cache-Status"], "Carnet; hit; collapsed")
        self.assertEqual(view.renders, 1)

    def test_a_cache_that_lost_its_count_starts_one_above_every_number_it_wrote(self):
        view = Counter()
        middleware = pagecache.PageCacheMiddleware(view)
        self.get(middleware, "/?shows=article:1")
        with self.captureOnCommitCallbacks(execute=True):
            pagecache.changed("article:1")
        pagecache.cache.delete(pagecache.COUNTER_KEY)
        self.get(middleware, "/?shows=article:1")
        self.get(middleware, "/?shows=article:1")
        self.assertEqual(view.renders, 2)

    def test_many_changes_in_a_batch_count_as_one_to_everything_made_at_its_end(self):
        view = Counter()
        middleware = pagecache.PageCacheMiddleware(view)
        self.get(middleware)
        with (
            self.captureOnCommitCallbacks(execute=True) as callbacks,
            mock.patch.object(pagecache.cache, "set_many", wraps=pagecache.cache.set_many) as kept,
        ):
            with pagecache.one_change_for_many():
                for n in range(50):
                    pagecache.changed(f"article:{n}")
                # Inside the batch, nothing is stale yet: the kept page is served.
                self.get(middleware)
                self.assertEqual(view.renders, 1)
            self.assertEqual(kept.call_count, 1)
        self.assertEqual(len(callbacks), 1)
        self.get(middleware)
        self.assertEqual(view.renders, 2)

    def test_a_reader_with_a_cookie_of_carnets_is_answered_privately(self):
        for cookie in ["sessionid", "csrftoken", "messages", "carnet_pending"]:
            with self.subTest(cookie=cookie):
                view = Counter()
                middleware = pagecache.PageCacheMiddleware(view)
                for _ in range(3):
                    response = self.get(middleware, Cookie=f"{cookie}=x")
                self.assertEqual(view.renders, 3)
                self.assertEqual(response["Cache-Control"], "private")

    def test_a_cookie_of_another_site_on_the_domain_changes_nothing(self):
        view = Counter()
        middleware = pagecache.PageCacheMiddleware(view)
        for _ in range(3):
            response = self.get(middleware, Cookie="_ga=1")
        self.assertEqual(view.renders, 1)
        self.assertIn("public", response["Cache-Control"])

    def test_a_response_with_its_own_rule_or_a_cookie_is_never_shared(self):
        def sets_cookie(request):
            response = HttpResponse("mine")
            response.set_cookie("carnet_pending", "1")
            return response

        for view in [never_cache(Counter()), sets_cookie, Counter(status=500)]:
            with self.subTest(view=view):
                middleware = pagecache.PageCacheMiddleware(view)
                for _ in range(2):
                    response = self.get(middleware)
                self.assertNotIn("public", response.get("Cache-Control", ""))

    def test_posts_pass_through(self):
        view = Counter()
        middleware = pagecache.PageCacheMiddleware(view)
        for _ in range(3):
            middleware(self.factory.post("/"))
        self.assertEqual(view.renders, 3)


class Scores:
    """A view whose page shows scores filled in late, as comment counts are: each under
    its tag `score:item:N`, filled in by `fill` (registered as their filler), which
    notes the language each was filled in."""

    def __init__(self, scores: dict[int, str], padding: int = 0):
        self.scores, self.padding = scores, padding
        self.renders, self.fills = 0, []

    def fill(self, tags: list[str]) -> dict[str, str]:
        self.fills.append((sorted(tags), translation.get_language()))
        return {tag: self.scores[int(tag.rpartition(":")[2])] for tag in tags}

    def __call__(self, request):
        self.renders += 1
        pagecache.shows(request, *filter(None, request.GET.get("shows", "").split(",")))
        # Item 1 twice: a story on the front page as the lead and in a list.
        content, parts = "<p>" + "·" * self.padding, []
        for pk in [1, 2, 1]:
            content += f"<b>{pk}</b>: "
            start = len(content.encode())
            content += self.scores[pk]
            parts.append((start, len(content.encode()), f"score:item:{pk}"))
            pagecache.shows(request, f"score:item:{pk}")
            content += "; "
        pagecache.filled_late(request, parts, "utf-8")
        return HttpResponse(content + "</p>")


@override_settings(
    CARNET_PAGE_MAX_AGE=60, CARNET_PAGE_STALE_SECONDS=300, CARNET_PAGE_STALE_SERVE_SECONDS=10
)
class LateFilledPartsTests(TestCase):
    """A copy stale only for parts filled in late is filled in again, not rendered."""

    def setUp(self):
        self.factory = RequestFactory()
        self.view = Scores({1: "one", 2: "two"})
        patcher = mock.patch.dict(pagecache._late_fillers, {"score:item:": self.view.fill})
        patcher.start()
        self.addCleanup(patcher.stop)
        self.middleware = pagecache.PageCacheMiddleware(self.view)

    def get(self, path="/?shows=article:9", **headers):
        response = self.middleware(self.factory.get(path, headers=headers))
        pagecache.finish_response()
        return response

    def change(self, pk: int, score: str) -> None:
        self.view.scores[pk] = score
        with self.captureOnCommitCallbacks(execute=True):
            pagecache.changed(f"score:item:{pk}")

    def test_a_copy_stale_for_its_late_parts_alone_has_them_filled_in_again_and_kept(self):
        first = self.get()
        self.change(1, "a hundred")
        later = pagecache.time.time() + 30
        with mock.patch.object(pagecache.time, "time", return_value=later):
            refilled = self.get()
        self.assertEqual(refilled["Cache-Status"], "Carnet; hit; detail=refilled")
        self.assertEqual(
            refilled.content,
            b"<p><b>1</b>: a hundred; <b>2</b>: two; <b>1</b>: a hundred; </p>",
        )
        self.assertEqual(self.view.renders, 1)
        self.assertEqual(self.view.fills, [(["score:item:1"], "fr")])
        self.assertNotEqual(refilled["ETag"], first["ETag"])
        # Its age, and so what is left of the lifetimes it says, count from its render.
        self.assertEqual(refilled["Age"], "30")
        self.assertEqual(refilled["Cache-Control"], first["Cache-Control"])
        # Kept as filled in: the next reader gets it as any copy, nothing filled again.
        again = self.get()
        self.assertEqual(again["Cache-Status"], "Carnet; hit")
        self.assertEqual((again.content, again["ETag"]), (refilled.content, refilled["ETag"]))
        self.assertEqual(len(self.view.fills), 1)

    def test_parts_that_changed_length_are_found_again_at_the_next_change(self):
        self.get()
        self.change(1, "1")
        self.get()
        self.change(2, "twenty-two thousand")
        self.change(1, "eleven")
        response = self.get()
        self.assertEqual(
            response.content,
            b"<p><b>1</b>: eleven; <b>2</b>: twenty-two thousand; <b>1</b>: eleven; </p>",
        )
        self.assertEqual(self.view.fills[-1], (["score:item:1", "score:item:2"], "fr"))
        self.assertEqual(self.view.renders, 1)

    def test_a_compressed_copy_is_filled_in_and_compressed_again(self):
        self.view.padding = 400  # GZip leaves out what is too short to gain
        self.middleware = pagecache.PageCacheMiddleware(GZipMiddleware(self.view))
        self.get(**{"Accept-Encoding": "gzip"})
        self.change(2, "deux")
        response = self.get(**{"Accept-Encoding": "gzip"})
        self.assertEqual(response["Cache-Status"], "Carnet; hit; detail=refilled")
        self.assertEqual(response["Content-Encoding"], "gzip")
        self.assertEqual(response["Content-Length"], str(len(response.content)))
        page = gzip.decompress(response.content).decode()
        self.assertTrue(page.endswith("<b>1</b>: one; <b>2</b>: deux; <b>1</b>: one; </p>"))
        self.assertEqual(self.view.renders, 1)

    def test_parts_are_filled_in_again_in_the_language_the_page_was_rendered_in(self):
        with translation.override("en"):
            self.get()
        self.change(1, "100")
        self.assertEqual(self.get()["Cache-Status"], "Carnet; hit; detail=refilled")
        self.assertEqual(self.view.fills, [(["score:item:1"], "en")])

    def test_the_rest_of_a_refilled_copy_is_as_fresh_as_its_render_not_its_refill(self):
        self.get()
        self.change(1, "100")
        # A change committed before, whose number is taken but not yet written under its
        # tag when the refill reads them (forget() takes it, then writes it).
        number = pagecache._next_count()
        self.assertEqual(self.get()["Cache-Status"], "Carnet; hit; detail=refilled")
        pagecache.cache.set(pagecache._tag_key("article:9"), (number, pagecache.time.time()))
        self.assertEqual(self.get()["Cache-Status"], "Carnet; hit; detail=stale-revalidating")
        self.assertEqual(self.view.renders, 2)

    def test_a_head_of_a_copy_stale_for_its_late_parts_is_answered_from_it_as_it_is(self):
        self.get()
        self.change(1, "100")
        response = self.middleware(self.factory.head("/?shows=article:9"))
        self.assertEqual(response["Cache-Status"], "Carnet; hit; detail=stale")
        self.assertEqual(self.view.fills, [])
        self.assertEqual(self.get()["Cache-Status"], "Carnet; hit; detail=refilled")

    def test_a_copy_stale_for_anything_else_as_well_is_rendered(self):
        self.get()
        self.change(1, "100")
        pagecache.forget(["article:9"])
        self.assertEqual(self.get()["Cache-Status"], "Carnet; hit; detail=stale-revalidating")
        self.assertEqual(self.view.renders, 2)
        self.assertEqual(self.view.fills, [])

    def test_a_copy_past_its_keep_time_is_rendered(self):
        self.get()
        self.change(1, "100")
        later = pagecache.time.time() + 86400 * 2
        with mock.patch.object(pagecache.time, "time", return_value=later):
            self.assertIn("fwd=", self.get()["Cache-Status"])
        self.assertEqual(self.view.fills, [])

    def test_a_part_nothing_fills_in_again_has_its_page_rendered(self):
        self.get()
        with mock.patch.dict(pagecache._late_fillers, clear=True):
            self.change(1, "100")
            self.assertIn("stale", self.get()["Cache-Status"])
        self.assertEqual(self.view.renders, 2)

    def test_parts_that_cannot_be_read_leave_the_page_to_its_render(self):
        self.get()
        self.change(1, "100")
        with mock.patch.object(self.view, "fill", side_effect=OperationalError("down")):
            with mock.patch.dict(pagecache._late_fillers, {"score:item:": self.view.fill}):
                response = self.get()
        # Served stale and rendered once answered, as any stale page (not a 500).
        self.assertEqual(response["Cache-Status"], "Carnet; hit; detail=stale-revalidating")
        self.assertEqual(self.view.renders, 2)

    def test_parts_filled_in_before_a_commit_are_filled_in_again_after_it(self):
        self.get()
        with self.captureOnCommitCallbacks(execute=True):
            pagecache.changed("score:item:1")
            # Read before the commit: the old score.
            self.assertEqual(self.get()["Cache-Status"], "Carnet; hit; detail=refilled")
            self.view.scores[1] = "100"
        self.assertIn(b"<b>1</b>: 100;", self.get().content)
        self.assertEqual(len(self.view.fills), 2)


@override_settings(CARNET_PAGE_CACHE=False, CARNET_PAGE_MAX_AGE=60, CARNET_PAGE_STALE_SECONDS=300)
class PageCacheOffTests(TestCase):
    def test_every_read_is_rendered_and_still_public(self):
        view = Counter()
        middleware = pagecache.PageCacheMiddleware(view)
        for _ in range(3):
            response = middleware(RequestFactory().get("/"))
        self.assertEqual(view.renders, 3)
        self.assertIn("public", response["Cache-Control"])
        self.assertTrue(response["ETag"])
