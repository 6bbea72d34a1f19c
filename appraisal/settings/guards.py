"""Checks the production settings run on import (kept apart so tests can call them)."""

# Placeholders that must never run a real deployment: the .env.example value, the development
# default, anything that says "change me" or "example".
_PLACEHOLDER_MARKERS = ("change-me", "change_me", "changeme", "example", "dev-only", "insecure", "xxxxxxxx",
                        "build-only", "secret-key")


def secret_key_problem(value: str) -> str | None:
    """Why a secret key is not fit for production, or None."""
    if len(value) < 50:
        return "生产环境必须通过 SECRET_KEY 环境变量设置至少 50 个字符的密钥。"
    lowered = value.lower()
    if any(marker in lowered for marker in _PLACEHOLDER_MARKERS):
        return "SECRET_KEY 仍是示例或占位值，请用随机生成的密钥替换（python -c 'import secrets; print(secrets.token_urlsafe(50))'）。"
    if len(set(value)) < 20:
        return "SECRET_KEY 过于简单（不同字符少于 20 个），请使用随机生成的密钥。"
    return None
