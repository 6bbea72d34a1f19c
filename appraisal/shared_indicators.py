"""Shared indicators and stage targets on the plan (DOMAIN.md §9), as pure rules the form, the plan
import and the year workbook share: the 共享指标 name of a leaf, and the 阶段目标 text "4:92；8:95"
(month: the year-to-date score rate in percent the plan expects by the end of that month)."""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

SHARED_MAX = 100
SEPARATORS = ("；", ";", "，", ",", "、", "\n")


def parse_stage_targets(text: str) -> tuple[dict[str, str], list[str]]:
    """"4:92；8:95" → ({"4": "92", "8": "95"}, problems). Months 1–12, targets over 0 and up to 100."""
    targets: dict[str, str] = {}
    problems: list[str] = []
    text = (text or "").strip()
    for separator in SEPARATORS[1:]:
        text = text.replace(separator, SEPARATORS[0])
    for part in (p.strip() for p in text.split(SEPARATORS[0])):
        if not part:
            continue
        month_text, colon, value_text = part.replace("：", ":").replace("月", ":").partition(":")
        try:
            month = int(month_text.strip())
            value = Decimal(value_text.strip().rstrip("%").rstrip(":").strip())
        except (ValueError, InvalidOperation):
            problems.append(f"“{part}”应写作 月份:目标得分率，如 4:92")
            continue
        if not colon or not 1 <= month <= 12:
            problems.append(f"“{part}”的月份应为 1 到 12")
        elif not value.is_finite() or not 0 < value <= 100:
            problems.append(f"“{part}”的目标得分率应大于 0 且不超过 100")
        elif str(month) in targets:
            problems.append(f"{month} 月的阶段目标重复")
        else:
            targets[str(month)] = format(value.normalize(), "f")
    return dict(sorted(targets.items(), key=lambda item: int(item[0]))), problems


def render_stage_targets(targets: dict | None) -> str:
    return "；".join(f"{m}:{v}" for m, v in sorted((targets or {}).items(), key=lambda item: int(item[0])))


def shared_problems(leaves: Iterable[tuple[str, str | None, str, bool]]) -> list[tuple[str, str]]:
    """(code, department code, shared name, is a management/business leaf) → [(code, message)]: a shared
    name belongs on management or business leaves only, at most once per department."""
    problems = []
    seen: dict[tuple[str, str], str] = {}
    for code, department, shared, is_leaf in leaves:
        if not shared:
            continue
        if len(shared) > SHARED_MAX:
            problems.append((code, f"共享指标名称不能超过 {SHARED_MAX} 个字"))
        if not is_leaf or not department:
            problems.append((code, "共享指标只用于有责任部门的管理类、业务类末级指标"))
            continue
        first = seen.setdefault((shared, department), code)
        if first != code:
            problems.append((code, f"共享指标“{shared}”在同一部门已有指标“{first}”：同一共享指标的各指标须分属不同部门"))
    return problems
