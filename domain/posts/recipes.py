"""Recipe parts and their checks (field paths as the clients name them, e.g. ``recipe.steps.2``)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import FieldError

MAX_ROWS = 50


@dataclass(frozen=True)
class RecipeDraft:
    servings: int
    minutes: int
    ingredients: list[tuple[str, str]]  # (name, amount)
    steps: list[str]


def recipe_field_errors(recipe: RecipeDraft | None) -> list[FieldError]:
    if recipe is None:
        return [FieldError("recipe", "食谱需要填写用料和步骤")]
    errors = []
    if not 1 <= recipe.servings <= 50:
        errors.append(FieldError("recipe.servings", "份量应在 1 到 50 人份之间"))
    if not 1 <= recipe.minutes <= 1440:
        errors.append(FieldError("recipe.minutes", "用时应在 1 到 1440 分钟之间"))
    if not 1 <= len(recipe.ingredients) <= MAX_ROWS:
        errors.append(FieldError("recipe.ingredients", f"请填写 1–{MAX_ROWS} 种用料"))
    if not 1 <= len(recipe.steps) <= MAX_ROWS:
        errors.append(FieldError("recipe.steps", f"请填写 1–{MAX_ROWS} 个步骤"))
    for n, (name, amount) in enumerate(recipe.ingredients):
        if not 1 <= len(name.strip()) <= 40 or not 1 <= len(amount.strip()) <= 40:
            errors.append(
                FieldError(f"recipe.ingredients.{n}", "用料名称和用量都要填写（40字以内）")
            )
    for n, step in enumerate(recipe.steps):
        if not 2 <= len(step.strip()) <= 500:
            errors.append(FieldError(f"recipe.steps.{n}", "每个步骤 2–500 字"))
    return errors
