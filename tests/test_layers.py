"""The layers point one way (../shared/design/architecture.md, "Layers"), read from the code.

ground (academy) <- spine (cohorts) <- features <- top (home). Every import between the
project's apps is found by parsing, function-level imports included.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GROUND, SPINE, TOP = "academy", "cohorts", "home"
FEATURES = ["caseloads", "supervision", "assessment", "moderation", "learning", "aswp"]
APPS = [GROUND, SPINE, *FEATURES, TOP]


def product_files(app):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def imported_apps(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in APPS:
                yield top, node.lineno


def graph():
    edges = {}
    for app in APPS:
        for path in product_files(app):
            for other, line in imported_apps(path):
                if other != app:
                    edges.setdefault(app, {}).setdefault(other, f"{path.relative_to(ROOT)}:{line}")
    return edges


EDGES = graph()


def test_the_ground_imports_no_app():
    assert EDGES.get(GROUND, {}) == {}


def test_the_spine_imports_only_the_ground():
    assert set(EDGES.get(SPINE, {})) <= {GROUND}, EDGES.get(SPINE)


def test_nothing_imports_the_top_layer():
    importers = {app: where[TOP] for app, where in EDGES.items() if TOP in where}
    assert importers == {}


def test_no_import_cycles_between_apps():
    def walk(app, path):
        for other, where in EDGES.get(app, {}).items():
            if other in path:
                cycle = path[path.index(other) :] + [other]
                pytest.fail("import cycle: " + " -> ".join(cycle) + f" ({where})")
            walk(other, path + [other])

    for app in APPS:
        walk(app, [app])


def test_permissions_are_asked_of_the_rules_never_of_has_perm():
    """user.has_perm grants everything to an active superuser (academy/access.py)."""
    found = []
    for app in APPS:
        for path in product_files(app):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if ".has_perm(" in line and "rules.has_perm(" not in line:
                    found.append(f"{path.relative_to(ROOT)}:{number}")
    assert found == []


def test_templates_compare_no_role_strings():
    """Templates get booleans from the view or a context processor instead."""
    pattern = re.compile(r"\.role\s*(==|!=)|role\s+in\s")
    found = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if pattern.search(path.read_text())
    ]
    assert found == []
