"""Shared by the tests: the contract's JSON Schema, and imports that may skip only outside CI."""
from __future__ import annotations

import importlib
import json
import os
from pathlib import Path
from types import ModuleType
from typing import Any, Dict

import pytest
from hypothesis import HealthCheck, settings

# No example database in the work tree (.hypothesis/), no deadline on a busy machine. Under CI=true,
# Hypothesis's own "ci" profile: the same, and derandomized (the same examples every run).
settings.register_profile("weaviate-sync", database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") == "true" else "weaviate-sync")

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "schema" / "change-event.schema.json"


def schema() -> Dict[str, Any]:
    """schema/change-event.schema.json of the repository these tests belong to."""
    loaded: Dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def require(module: str) -> ModuleType:
    """Imports ``module``; skips the test when it is missing, except under CI=true, where that fails."""
    if os.environ.get("CI") == "true":
        return importlib.import_module(module)
    imported: ModuleType = pytest.importorskip(module, reason=f"{module} is not installed (pip install '.[django,test]')")
    return imported
