"""The Makefile's files of secrets hold what the environment says."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase


class DemoPasswordFileTests(SimpleTestCase):
    def make(self, folder: Path, **env) -> str:
        subprocess.run(
            ["make", "-s", "var/demo_password"],
            cwd=folder,
            env={"PATH": os.environ["PATH"], **env},
            check=True,
            capture_output=True,
        )
        return (folder / "var" / "demo_password").read_text().strip()

    def test_with_carnet_demo_password_the_file_holds_that_password(self):
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        shutil.copy(Path(settings.BASE_DIR) / "Makefile", folder)
        generated = self.make(folder)
        self.assertGreaterEqual(len(generated), 12)
        # Set later: the file follows, instead of keeping the generated one.
        self.assertEqual(self.make(folder, CARNET_DEMO_PASSWORD="chosen-pass"), "chosen-pass")
        self.assertEqual(self.make(folder, CARNET_DEMO_PASSWORD="other-pass"), "other-pass")
        # Unset again: it is kept, not generated anew.
        self.assertEqual(self.make(folder), "other-pass")
