"""The deployment guide shows the nginx configuration the benchmark measures."""

from pathlib import Path

from django.test import SimpleTestCase

from bench.drill_two_servers import director_vcl

ROOT = Path(__file__).resolve().parents[1]


class DeployGuideTests(SimpleTestCase):
    def test_it_shows_the_nginx_config_that_bench_cache_measures(self):
        guide = (ROOT / "docs" / "deploy.md").read_text()
        config = (ROOT / "bench" / "nginx-cache.conf.template").read_text()

        self.assertIn(f"```nginx\n{config}```\n", guide)

    def test_it_shows_the_varnish_config_that_tests_test_varnish_runs(self):
        guide = (ROOT / "docs" / "deploy.md").read_text()
        config = (ROOT / "config" / "varnish.vcl").read_text()

        self.assertIn(f"```vcl\n{config}```\n", guide)

    def test_it_shows_the_varnish_director_that_the_two_server_drill_runs(self):
        guide = (ROOT / "docs" / "deploy.md").read_text()
        director = director_vcl([("10.0.0.11", 8000), ("10.0.0.12", 8000)])

        self.assertIn(f"```vcl\n{director}```\n", guide)
