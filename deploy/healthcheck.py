"""Container health check (docker-compose.yml): GET /healthz on the local gunicorn with a Host
header Django accepts (the first of ALLOWED_HOSTS), so the check passes host validation.
Exit 0 when the answer is 200 "ok", 1 otherwise. Standard library only."""
import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    host = (os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip() or "localhost").lstrip(".")
    url = os.environ.get("HEALTHCHECK_URL", "http://127.0.0.1:8000/healthz")
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=4) as response:
            ok = response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError) as error:
        print(f"healthcheck: {error}", file=sys.stderr)
        return 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
