"""What every network benchmark does before it measures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def compile_package() -> None:
    """Measure mumcheck as pip installs it, with its bytecode compiled: a checkout run under
    PYTHONDONTWRITEBYTECODE=1 (as on this machine) would compile the package again at every start."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "mumcheck")], check=True)
