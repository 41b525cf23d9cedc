"""Where the project's own folders are: parameters, notebooks, data and outputs sit beside the package."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
