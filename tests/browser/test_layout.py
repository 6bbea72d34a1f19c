"""Every page of every demo role's navigation, in Chinese and in English, as the user sees it
(issue 14): it fits a 1,440 px window, and the civil servant's pages a 390 px phone, without
horizontal scrolling; the language switch, the bell and the account menu stay on screen; axe-core
finds no serious or critical violation; and an English page shows no Chinese outside names and
data (which the templates mark with translate="no" or a lang="zh-…" attribute).

One browser context per role and language, one page reused: about 150 page visits. axe runs once
per page and language (the same template seen by another role is not checked again) and skips
table rows after the 30th, which repeat the same markup (the indicator tree has ~500).
"""
import re

import pytest
from axe_playwright_python.base import AXE_SCRIPT

from appraisal.demo import ACCOUNTS, DEMO_PASSWORD, load_demo

from .conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ("zh-hans", "en")
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}
AXE_CONTEXT = {"exclude": [["tbody > tr:nth-child(n+31)"]]}

# the page's words outside data: text nodes with Chinese characters (ideographs) not inside an element
# marked translate="no" or lang="zh-…" (names, departments, indicators, what people wrote)
CHINESE_OUTSIDE_DATA = """() => {
  const chinese = /[\\u3400-\\u9fff]/;
  const data = 'script, style, template, [lang^="zh"], [translate="no"]';
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const el = node.parentElement;
    if (chinese.test(node.nodeValue) && el && !el.closest(data)) found.push(node.nodeValue.trim().slice(0, 60));
  }
  return found;
}"""

# the product header's controls: on screen (the Django admin, the system administrator's, has its own header)
HEADER_CONTROLS = """() => !document.querySelector('header.app-navbar') ? [] :
  ['select[name=language]', '#notificationBell', '#userMenu'].map(sel => {
  const el = document.querySelector(sel);
  if (!el) return sel + ' missing';
  const box = el.getBoundingClientRect();
  return box.width > 0 && box.left >= 0 && box.right <= window.innerWidth ? null : sel + ' off screen';
}).filter(Boolean)"""


def _login(page, username):
    page.goto("/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()


def _slug(url: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"


def _walk(browser, live_server, username, language, viewport, problems, axed, phone=False):
    context = browser.new_context(viewport=viewport, base_url=live_server.url, locale="zh-CN")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    context.set_default_timeout(30_000)
    page = context.new_page()
    csp = []
    page.on("console", lambda message: csp.append(message.text) if "Content Security Policy" in message.text else None)
    _login(page, username)
    where = f"{username}/{language}/{viewport['width']}px"
    if phone:
        # the navigation is a menu behind the toggler
        first = page.locator("[data-nav]").first
        assert not first.is_visible(), where
        page.locator("button.navbar-toggler").click()
        first.wait_for(state="visible")
    urls = page.locator("[data-nav]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert urls, where
    assert page.locator("header.app-navbar").count() == 1 and not page.evaluate(HEADER_CONTROLS), where
    shots = SCREENSHOTS / "layout"
    shots.mkdir(parents=True, exist_ok=True)
    for url in urls:
        response = page.goto(url)
        at = f"{where} {url}"
        if response.status != 200:
            problems.append(f"{at}: HTTP {response.status}")
            continue
        width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width > inner:
            problems.append(f"{at}: 页面宽 {width} px，超出窗口 {inner} px")
        problems.extend(f"{at}: {message}" for message in page.evaluate(HEADER_CONTROLS))
        if language == "en":
            problems.extend(f"{at}: 英文页面中的中文 “{text}”" for text in dict.fromkeys(page.evaluate(CHINESE_OUTSIDE_DATA)))
        key = (url.split("?")[0] if not url.startswith("/people/") else "/people/<pk>/", language, phone)
        if key not in axed:
            axed.add(key)
            page.evaluate(AXE_SCRIPT)
            result = page.evaluate("([context, options]) => axe.run(context, options)", [AXE_CONTEXT, AXE_OPTIONS])
            for violation in result["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = ", ".join(str(node["target"][0]) for node in violation["nodes"][:3])
                    problems.append(f"{at}: axe {violation['id']}（{violation['impact']}）× {len(violation['nodes'])}: {targets}")
        page.screenshot(path=str(shots / f"{username}-{language}-{viewport['width']}-{_slug(url)}.png"))
    context.close()
    problems.extend(f"{where}: CSP {message}" for message in csp)


def test_every_role_s_pages_fit_both_languages_and_pass_axe(browser, live_server):
    load_demo(year=2026)
    problems: list[str] = []
    axed: set = set()
    for account in ACCOUNTS:
        for language in LANGUAGES:
            _walk(browser, live_server, account.username, language, DESKTOP, problems, axed)
    for language in LANGUAGES:
        _walk(browser, live_server, "staff", language, PHONE, problems, axed, phone=True)
    assert not problems, "\n".join(problems)
