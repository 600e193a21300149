"""The pure core never imports pygame."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_core_modules_do_not_import_pygame() -> None:
    code = (
        "import sys, simulator.engine.session, simulator.scenario.loader, "
        "simulator.scenario.i18n, simulator.cli; "
        "print('pygame' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert done.stdout.strip() == "False", done.stderr
