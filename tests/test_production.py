"""Production readiness (SECURITY.md item 21; issue 8 item 10): collectstatic with the production
settings, the placeholder secret refused, forwarded headers believed only from the proxy, the
compose stack's proxy and health checks, and check --deploy."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import RequestFactory, override_settings

from appraisal import proxies
from appraisal.settings.guards import secret_key_problem

ROOT = Path(settings.BASE_DIR)
STRONG_KEY = "pQ3v9Zr_Lk2mWx8Tn4Yb7Hc1Jd6Fg0Se5Ua-Io2Pl9Kj3Mh8Ng4Bv7Cx1Zq6Wr"


def production_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="appraisal.settings.production", SECRET_KEY=STRONG_KEY,
               ALLOWED_HOSTS="kaohe.example.gov.cn")
    env.update(extra)
    return env


def manage(*args, env, timeout=300):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_collectstatic_with_production_settings_passes(tmp_path):
    result = manage("collectstatic", "--noinput", env=production_env(STATIC_ROOT=str(tmp_path)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("js/app.*.js")), "hashed static files are written"


def test_the_example_secret_is_refused():
    example = dict(line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines()
                   if line and not line.startswith("#"))
    result = manage("check", env=production_env(SECRET_KEY=example["SECRET_KEY"]))
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("key, ok", [
    (STRONG_KEY, True),
    ("", False),
    ("short-but-random-Zq6Wr", False),
    ("dev-only-insecure-key-change-me-in-production-0123456789", False),
    ("a" * 60, False),
    ("abababababababababababababababababababababababababababab", False),
    ("build-only-build-only-build-only-build-only-build-only", False),
])
def test_secret_key_guard(key, ok):
    assert (secret_key_problem(key) is None) is ok


def test_check_deploy_reports_nothing():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# ---------------------------------------------------------------- forwarded headers

@override_settings(TRUSTED_PROXIES=["10.0.0.10"])
@pytest.mark.parametrize("remote, forwarded, expected", [
    ("203.0.113.5", "1.2.3.4", "203.0.113.5"),  # not from the proxy: the header is ignored
    ("10.0.0.10", "198.51.100.7", "198.51.100.7"),  # from the proxy: its view of the client
    ("10.0.0.10", "1.2.3.4, 198.51.100.7", "198.51.100.7"),  # the client's own prefix is not believed
    ("10.0.0.10", "", "10.0.0.10"),
    ("10.0.0.10", "not-an-ip", "10.0.0.10"),
])
def test_client_ip_trusts_forwarded_for_only_from_the_proxy(remote, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert proxies.client_ip(request) == expected


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=["10.0.0.0/24"], SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_forwarded_proto_is_dropped_unless_from_the_proxy(client):
    seen = {}

    def capture(request):
        seen["secure"] = request.is_secure()
        seen["ip"] = proxies.client_ip(request)
        from django.http import HttpResponse

        return HttpResponse()

    middleware = proxies.ForwardedHeadersMiddleware(capture)
    factory = RequestFactory()
    middleware(factory.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_PROTO="https",
                           HTTP_X_FORWARDED_FOR="1.2.3.4"))
    assert seen == {"secure": False, "ip": "203.0.113.5"}
    middleware(factory.get("/", REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_PROTO="https",
                           HTTP_X_FORWARDED_FOR="198.51.100.7"))
    assert seen == {"secure": True, "ip": "198.51.100.7"}


@pytest.mark.django_db
def test_the_audit_log_records_the_real_address_not_a_forged_header(client):
    from appraisal.models import AuditEvent

    client.post("/login/", {"username": "nobody", "password": "x"}, HTTP_X_FORWARDED_FOR="6.6.6.6",
                REMOTE_ADDR="203.0.113.9")
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.ip == "203.0.113.9"


# ---------------------------------------------------------------- the compose stack

def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_publishes_only_the_proxy_and_trusts_only_its_address():
    services = compose()["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    proxy_address = services["proxy"]["networks"]["internal"]["ipv4_address"]
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["TRUSTED_PROXIES"] == proxy_address
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in nginx  # overwritten, never appended
    assert "proxy_add_x_forwarded_for" not in nginx
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_web_health_check_passes_against_gunicorn_with_production_settings(tmp_path):
    """What compose runs: gunicorn with the production settings (HTTPS redirect on, allowed hosts
    set), and deploy/healthcheck.py from inside the container."""
    services = compose()["services"]
    assert services["web"]["healthcheck"]["test"] == ["CMD", "python", "deploy/healthcheck.py"]
    port = _free_port()
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", STATIC_ROOT=str(tmp_path / "static"),
                         HEALTHCHECK_URL=f"http://127.0.0.1:{port}/healthz")
    assert manage("migrate", "--noinput", env=env).returncode == 0
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "appraisal.wsgi:application", "--bind",
                               f"127.0.0.1:{port}", "--workers", "1"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        check = None
        for _ in range(60):
            check = subprocess.run([sys.executable, "deploy/healthcheck.py"], cwd=ROOT, env=env,
                                   capture_output=True, text=True)
            if check.returncode == 0:
                break
            time.sleep(0.25)
        assert check.returncode == 0, check.stderr
        # an unknown Host is still refused (host validation stays on)
        bad = subprocess.run([sys.executable, "deploy/healthcheck.py"], cwd=ROOT, capture_output=True, text=True,
                             env=dict(env, ALLOWED_HOSTS="evil.example.com"))
        assert bad.returncode == 1
    finally:
        server.terminate()
        server.wait(timeout=10)
