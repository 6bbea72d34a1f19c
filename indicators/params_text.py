"""The parameters of a scoring standard as an office clerk writes them, one per line:

    目标值（%）=95
    每超 1 个百分点加分=0.2
    各级别分值=国家级:5、省级:3、市级:2

Pure: parse to the dict stored in ``Indicator.standard_params`` and render it back.
"""
from __future__ import annotations

import re

from .standards import CLASS_POINTS, LEVEL_POINTS, STANDARDS

_PAIR_SEPARATORS = re.compile(r"[、，,；;\s]+")


def parse_params(key: str, text: str) -> tuple[dict, list[str]]:
    spec = STANDARDS.get(key)
    if spec is None:
        return {}, [f"未知的计分方式：{key}"]
    by_name = {}
    for param in spec.params:
        by_name[param.name] = param
        by_name[param.label] = param
    values: dict = {}
    problems: list[str] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip().replace("＝", "=")
        if not line:
            continue
        if "=" not in line:
            problems.append(f"第 {number} 行应写成“参数=值”")
            continue
        name, value = (part.strip() for part in line.split("=", 1))
        param = by_name.get(name)
        if param is None:
            allowed = "、".join(p.label for p in spec.params) or "无"
            problems.append(f"“{spec.label}”没有参数“{name}”（可用：{allowed}）")
            continue
        if param.type in (LEVEL_POINTS, CLASS_POINTS):
            mapping = {}
            for pair in filter(None, _PAIR_SEPARATORS.split(value)):
                level, _sep, points = pair.replace("：", ":").partition(":")
                if not points:
                    problems.append(f"“{param.label}”应写成 级别:分值，如 国家级:5、省级:3")
                    break
                mapping[level.strip()] = points.strip()
            values[param.name] = mapping
        else:
            values[param.name] = value
    return values, problems


def render_params(key: str, params: dict) -> str:
    spec = STANDARDS.get(key)
    if spec is None or not params:
        return ""
    lines = []
    for param in spec.params:
        if param.name not in params:
            continue
        value = params[param.name]
        if isinstance(value, dict):
            value = "、".join(f"{k}:{v}" for k, v in value.items())
        lines.append(f"{param.label}={value}")
    return "\n".join(lines)
