"""The house: a kernel at the bottom, the domain apps above it, the shell on top. An app imports
only what lies below it (or beside it on its own level), so the arrows point one way."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: package → level; a package may import packages of a lower level only.
LEVELS = {
    "core": 0,
    "areas": 1,
    "accounts": 2,
    "subjects": 2,
    "products": 3,
    "evaluations": 4,
    "budgets": 4,
    "inspections": 4,
    "listings": 4,
    "enquiries": 4,
    "dashboards": 5,
    "notices": 5,
    "producer_space": 5,
    "ocop_portal": 6,
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & LEVELS.keys()


def source_files(package: str) -> list[Path]:
    return [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]


@pytest.mark.parametrize("package", sorted(LEVELS))
def test_a_package_imports_only_what_lies_below_it(package):
    upward = {
        f"{path.relative_to(ROOT)} → {name}"
        for path in source_files(package)
        for name in imported_packages(path)
        if name != package and LEVELS[name] >= LEVELS[package]
    }
    assert not upward, sorted(upward)


def test_the_kernel_imports_django_and_libraries_only():
    assert all(not imported_packages(path) - {"core"} for path in source_files("core"))
