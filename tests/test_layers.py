"""The apps depend one way, and import-linter's contract in pyproject.toml can tell.

Each case runs lint-imports in a fresh process, as `make test` does.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

BASE_DIR = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = [
    "config",
    "sitewide",
    "editing",
    "pages",
    "accounts",
    "blog",
    "comments",
    "newsletter",
    "wordpress",
    "demo",
]


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )


class LayerContractTests(SimpleTestCase):
    def test_the_code_keeps_the_contract(self):
        result = lint_imports(BASE_DIR)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("1 kept, 0 broken", result.stdout)

    def test_a_wrong_way_import_breaks_it(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            shutil.copy(BASE_DIR / "pyproject.toml", root)
            for package in PACKAGES:
                shutil.copytree(
                    BASE_DIR / package, root / package, ignore=shutil.ignore_patterns("*.pyc")
                )
            # The cycle this contract was written against: blog reaching up into comments.
            with (root / "blog" / "models.py").open("a") as models:
                models.write("\n\ndef _counted():\n    from comments.models import Comment\n")
            result = lint_imports(root)
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertIn("BROKEN", result.stdout)
        self.assertIn("blog.models -> comments.models", result.stdout)
