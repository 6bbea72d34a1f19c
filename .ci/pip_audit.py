"""Known vulnerabilities in the installed dependencies (SECURITY.md item 21), through pip-audit.

Fails (exit 1) when pip-audit reports a vulnerability. When its service cannot be reached, or
answers for none of the packages (closed networks, mirrors without the JSON API), prints a
warning and exits 0: CI must not depend on the Internet, but the warning is loud. At release,
run `make audit` where PyPI (or an OSV mirror) answers; see README.
"""
import json
import subprocess
import sys


def main() -> int:
    command = [sys.executable, "-m", "pip_audit", "--local", "--progress-spinner", "off", "--format", "json"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as error:
        print(f"WARNING: pip-audit 未能运行（{error}），依赖漏洞未检查。发布前请在可访问漏洞库的环境运行 make audit。")
        return 0
    try:
        report = json.loads(result.stdout or "{}")
    except json.JSONDecodeError:
        report = {}
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "无"
            print(f"VULNERABLE: {dependency['name']} {dependency.get('version', '')} {vuln.get('id')} (修复版本：{fixed})")
    if vulnerable:
        return 1
    audited = [d for d in dependencies if "skip_reason" not in d]
    if not dependencies or not audited:
        errors = [line for line in (result.stderr or "").splitlines() if "error" in line.lower()]
        reason = errors[-1].strip() if errors else f"{len(dependencies)} 个依赖均未得到应答"
        print(f"WARNING: pip-audit 无法访问漏洞库（{reason}），依赖漏洞未检查。"
              "发布前请在可访问漏洞库的环境运行 make audit。")
        return 0
    skipped = len(dependencies) - len(audited)
    print(f"pip-audit: {len(audited)} 个依赖无已知漏洞" + (f"，{skipped} 个未能检查" if skipped else "") + "。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
