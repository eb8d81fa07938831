#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# The collector's web page in Debian's Chromium, headless, driven through
# chromium-driver by Debian's Selenium (run by test/integration/web.sh with
# /usr/bin/python3). Asserts on the DOM, never on pixels; screenshots go to
# HB_OUT for a person to look at. Exit 0 when every assertion held.
import json
import os
import sys
import tempfile
import time

from selenium import webdriver
from selenium.common.exceptions import UnexpectedAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

COL = os.environ["HB_COL_URL"]
TOKEN = os.environ["HB_TOKEN"]
GO = os.environ["HB_GO"]
OUT = os.environ["HB_OUT"]
HOSTILE = os.environ["HB_HOSTILE"]
failed = 0
passed = 0


def check(what, cond, got=None):
    global failed, passed
    if cond:
        passed += 1
        print("ok    browser: %s" % what)
    else:
        failed += 1
        print("FAIL  browser: %s (got %r)" % (what, got))


def eq(what, want, got):
    check("%s = %r" % (what, want), want == got, got)


def css(d, sel):
    return d.find_elements(By.CSS_SELECTOR, sel)


def shot(d, name):
    d.save_screenshot(os.path.join(OUT, name + ".png"))


def js(script):
    """Reads the page in one script: a page that refreshes itself swaps
    its <main> every second, which leaves Selenium's element references
    stale between two calls."""
    return d.execute_script(script)


def wait_for(fn, secs):
    end = time.time() + secs
    while time.time() < end:
        try:
            if fn():
                return True
        except Exception:
            pass
        time.sleep(0.2)
    return False


o = webdriver.ChromeOptions()
o.binary_location = "/usr/bin/chromium"
profile = tempfile.mkdtemp(prefix="hb-web-chromium-")
# Root needs --no-sandbox; the rest keeps Chromium from talking to Google
# on its own, so that what the log shows is the page's traffic.
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--user-data-dir=" + profile, "--window-size=1280,900",
          "--disable-background-networking", "--disable-component-update",
          "--disable-default-apps", "--disable-sync", "--no-first-run",
          "--disable-extensions", "--metrics-recording-only"):
    o.add_argument(a)
o.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
d.set_page_load_timeout(30)
urls = []


def drain_network():
    """Every URL the page asked for since the last call (DevTools log)."""
    for e in d.get_log("performance"):
        m = json.loads(e["message"])["message"]
        if m.get("method") == "Network.requestWillBeSent":
            urls.append(m["params"]["request"]["url"])


try:
    # What Chromium opened before this test navigated (its new-tab page,
    # chrome:// resources) is not the page's.
    d.get("about:blank")
    d.get_log("performance")
    # -- login -----------------------------------------------------------
    d.get(COL + "/")
    check("without the cookie the index is the login form",
          len(css(d, "form[action='/ui/login'] input[name=token]")) == 1, d.page_source[:300])
    check("no release shown before the login", len(css(d, "tr.release")) == 0)
    shot(d, "login")
    css(d, "input[name=token]")[0].send_keys("wrong")
    css(d, "form[action='/ui/login'] button")[0].click()
    # The click returns before the answer's page is in: wait for it (a
    # loaded machine once read p.error before it was there).
    wait_for(lambda: css(d, "p.error"), 10)
    errs = css(d, "p.error")
    eq("a wrong token's message", "wrong token", errs[0].text if errs else "(no p.error)")
    eq("no cookie for a wrong token", [], d.get_cookies())
    css(d, "input[name=token]")[0].send_keys(TOKEN)
    css(d, "form[action='/ui/login'] button")[0].click()
    wait_for(lambda: css(d, "tr.release"), 10)
    cookies = {c["name"]: c for c in d.get_cookies()}
    c = cookies.get("hookbox_session", {})
    eq("cookie HttpOnly", True, c.get("httpOnly"))
    eq("cookie SameSite", "Strict", c.get("sameSite"))
    eq("cookie not Secure over plain HTTP", False, c.get("secure"))
    check("cookie is not the token", c.get("value") not in (None, TOKEN), c.get("value"))
    eq("a script cannot read the cookie", "", d.execute_script("return document.cookie"))

    # -- the index -------------------------------------------------------
    rows = js("""return [...document.querySelectorAll('tr.release')].map(r => {
        const p = r.querySelector('.phase');
        return [r.dataset.namespace + '/' + r.dataset.release, p.textContent, p.className,
                getComputedStyle(p).backgroundColor,
                r.querySelector('.failed-checks').textContent,
                r.querySelector('time').textContent];
    })""")
    eq("index rows, failed first", [["web-bad/api", "Failed"], ["web-run/job", "Running"],
                                    ["web-ok/shop", "Succeeded"]], [r[:2] for r in rows])
    eq("phase as colour: a class", "phase failed", rows[0][2])
    eq("the style sheet applies (Failed is red)", "rgb(207, 34, 46)", rows[0][3])
    eq("failed checks of web-bad/api", "2", rows[0][4])
    check("last run shown", rows[0][5].startswith("20"), rows[0][5])
    shot(d, "index")
    sel = css(d, "select[name=namespace]")[0]
    sel.find_element(By.CSS_SELECTOR, "option[value='web-ok']").click()
    css(d, "form.filter button")[0].click()
    wait_for(lambda: "namespace=web-ok" in d.current_url, 10)
    eq("filtered by namespace", ["web-ok"],
       [r.get_attribute("data-namespace") for r in css(d, "tr.release")])
    shot(d, "index-filtered")

    # -- a passing release: Helm's order, revisions, charts ----------------
    d.get(COL + "/ui/releases/web-ok/shop")
    eq("revision marks, newest first", ["3", "2", "1"],
       [a.get_attribute("data-revision") for a in css(d, "nav.revisions a.mark")])
    eq("the newest is selected", "3", css(d, "a.mark.selected")[0].get_attribute("data-revision"))
    eq("hooks in Helm's order", ["shop-first", "shop-migrate-a", "shop-migrate-b", "shop-test"],
       [s.get_attribute("data-hook") for s in css(d, "section.hook")])
    eq("release phase", "Succeeded", css(d, "h1 .phase")[0].text)
    check("a latency chart for the test's check (3 revisions)",
          len(css(d, "section[data-hook='shop-test'] svg.latency polyline")) == 1)
    shot(d, "release-ok")
    d.get(COL + "/ui/releases/web-ok/shop?revision=1")
    eq("?revision=1 selected", "1", css(d, "a.mark.selected")[0].get_attribute("data-revision"))
    eq("revision 1's hooks", ["shop-test"], [s.get_attribute("data-hook") for s in css(d, "section.hook")])

    # -- a failing release: class, hint, escaped markup --------------------
    d.get(COL + "/ui/releases/web-bad/api")
    eq("release phase", "Failed", css(d, "h1 .phase")[0].text)
    eq("hooks in Helm's order", ["api-migrate", "api-test"],
       [s.get_attribute("data-hook") for s in css(d, "section.hook")])
    row = [r for r in css(d, "tr.check") if r.get_attribute("data-check") == HOSTILE]
    eq("the check named with markup, found by its name", 1, len(row))
    if row:
        r = row[0]
        eq("its name shown as text", HOSTILE, r.find_element(By.CSS_SELECTOR, ".name").text)
        eq("its outcome", "FAILED", r.find_element(By.CSS_SELECTOR, ".outcome").text)
        eq("its class", "CONNECTION_REFUSED", r.find_element(By.CSS_SELECTOR, ".class").text)
        check("its hint", "nothing listens on that port" in r.find_element(By.CSS_SELECTOR, ".hint").text,
              r.find_element(By.CSS_SELECTOR, ".hint").text)
        eq("failed the same way last revision: two red dots", 2,
           len(r.find_elements(By.CSS_SELECTOR, "svg.latency circle.fail")))
    out = css(d, "section[data-hook='api-migrate'] pre.output.stdout")
    check("the command's output tail, markup as text",
          out and "applying 0042_users\n" + HOSTILE in out[0].text, out and out[0].text)
    eq("the command's class", "COMMAND_FAILED",
       css(d, "section[data-hook='api-migrate'] .class")[0].text)
    eq("no img element anywhere", 0, len(css(d, "img")))
    eq("no alert ran", False, d.execute_script("return window.__alerted === true"))
    shot(d, "release-failed")
    # The README's picture (docs/web-release.png): the same page, smaller.
    d.set_window_size(1100, 800)
    shot(d, "readme-release")
    d.set_window_size(1280, 900)

    # -- Running turns Succeeded in place ---------------------------------
    d.get(COL + "/ui/releases/web-run/job")
    eq("Running revision, asking to be refreshed", ["Running", True],
       js("return [document.querySelector('h1 .phase').textContent,"
          " document.getElementById('main').hasAttribute('data-refresh')]"))
    shot(d, "running")
    d.execute_script("window.__hbMark = 'still here'")
    nav0 = d.execute_script("return performance.getEntriesByType('navigation').length")
    open(GO, "w").close()
    phase_now = "return document.querySelector('h1 .phase').textContent"
    turned = wait_for(lambda: js(phase_now) == "Succeeded", 60)
    check("the page turned Succeeded by itself", turned, js(phase_now))
    eq("without a reload: the window's mark survived", "still here",
       d.execute_script("return window.__hbMark"))
    eq("one navigation only", nav0,
       d.execute_script("return performance.getEntriesByType('navigation').length"))
    check("the refresh stopped", not css(d, "main[data-refresh]"))
    eq("the mark of revision 1 turned too", "Succeeded",
       css(d, "a.mark.selected")[0].get_attribute("data-phase"))
    shot(d, "succeeded")

    # -- nothing left the collector; nothing broke the policy --------------
    drain_network()
    foreign = [u for u in urls if not u.startswith(COL + "/")]
    check("requests were made and logged", len(urls) > 10, len(urls))
    eq("requests to anything but the collector", [], foreign)
    res = d.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    check("the page's resources all came from the collector",
          res and all(u.startswith(COL + "/") for u in res), res)
    logs = [e["message"] for e in d.get_log("browser")]
    csp = [m for m in logs if "Content Security Policy" in m]
    eq("CSP violations reported by the browser", [], csp)
    # The policy really holds: an inline script the page would add is
    # refused (what a missed escape would amount to).
    d.execute_script("var s = document.createElement('script');"
                     "s.textContent = 'window.__inline = 1';"
                     "document.body.appendChild(s);")
    eq("an inline script is refused by the policy", None,
       d.execute_script("return window.__inline === undefined ? null : window.__inline"))
except UnexpectedAlertPresentException as e:
    check("no alert() ran", False, str(e))
finally:
    d.quit()

print("browser: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed or not passed else 0)
