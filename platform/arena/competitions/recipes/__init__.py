"""Recipes: code that builds the built-in task bundles from data shipped inside packages.

Data is built at set-up time (``manage.py build_bundles``), never committed. Each recipe module
has ``SLUG`` and ``build(*, root: Path, cache: Path) -> Path``; add a recipe by adding a module
and naming it in RECIPES.
"""

from arena.competitions.recipes import bird_strikes, books, emoji, febrl, vehicle_class

RECIPES = {module.SLUG: module for module in (vehicle_class, bird_strikes, emoji, febrl, books)}
