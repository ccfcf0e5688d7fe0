"""End-to-end scenarios of the web console in a real headless Chromium (Debian's chromium and chromium-driver,
driven by selenium from PyPI; nothing is downloaded at run time).

Run by Tests/AppTests/ConsoleBrowserTests.swift against a live service:
    python3 console_browser.py SCENARIO
with EMPLOYEES_BASE_URL (the service), SCREENSHOT_DIR (where each page's PNG goes) and CONSOLE_PARAMETERS (a JSON
object with what the scenario needs: users, employee numbers). Prints one line per check and ends with
"scenario SCENARIO: passed"; any failed check exits with status 1 and says what it saw.
"""

import http.server
import json
import os
import sys
import threading
from urllib.parse import urlparse

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

BASE = os.environ["EMPLOYEES_BASE_URL"].rstrip("/")
SHOTS = os.environ["SCREENSHOT_DIR"]
PARAMETERS = json.loads(os.environ.get("CONSOLE_PARAMETERS", "{}"))
PASSWORD = "password"
ALL_BUTTONS = ["My record", "Edit my record", "Search employees", "New employee", "Event log", "Security log"]


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)
    print("ok:", message)


class Browser:
    def __init__(self, scenario):
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--window-size=1280,900", "--no-first-run", "--disable-extensions"]:
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.driver.set_page_load_timeout(30)
        # Any alert() a page manages to run is recorded instead of shown, before the page's own scripts run.
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {
            "source": "window.__alerts = []; window.alert = function (m) { window.__alerts.push(String(m)); };"})
        self.scenario = PARAMETERS.get("label", scenario)
        self.shots = 0
        os.makedirs(SHOTS, exist_ok=True)
        for stale in os.listdir(SHOTS):
            if stale.startswith(self.scenario + "-"):
                os.remove(os.path.join(SHOTS, stale))

    def close(self):
        self.driver.quit()

    def get(self, path):
        self.driver.get(BASE + path)

    def shot(self, name):
        self.shots += 1
        path = os.path.join(SHOTS, "%s-%02d-%s.png" % (self.scenario, self.shots, name))
        self.driver.save_screenshot(path)

    def phone_shot(self, name):
        self.driver.set_window_size(390, 844)
        self.shot(name + "-phone")
        self.driver.set_window_size(1280, 900)

    @property
    def path(self):
        parsed = urlparse(self.driver.current_url)
        return parsed.path + ("?" + parsed.query if parsed.query else "")

    def h1(self):
        return self.driver.find_element(By.TAG_NAME, "h1").text

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def field(self, name):
        return self.driver.find_element(By.NAME, name)

    def fill(self, name, value):
        element = self.field(name)
        if element.tag_name == "select":
            element.find_element(By.CSS_SELECTOR, "option[value='%s']" % value).click()
        else:
            element.clear()
            element.send_keys(value)

    def navigating(self, element):
        """Clicks an element that leads to another page and waits until that page has loaded."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        element.click()

        def left(_):
            # The old page's root is gone once the new page replaced it; Chromium reports that either as a stale
            # element or, mid-navigation, as a node that no longer belongs to the document.
            try:
                page.is_enabled()
                return False
            except WebDriverException:
                return True

        WebDriverWait(self.driver, 15).until(left)
        WebDriverWait(self.driver, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")

    def submit(self, form_selector="main form"):
        self.navigating(self.driver.find_element(By.CSS_SELECTOR, form_selector + " button[type=submit]"))

    def click_link(self, text):
        self.navigating(self.driver.find_element(By.LINK_TEXT, text))

    def login(self, email, password=PASSWORD):
        self.get("/auth/login")
        self.fill("username", email)
        self.fill("password", password)
        self.submit()

    def logout(self):
        self.navigating(self.driver.find_element(By.CSS_SELECTOR, "header form button"))

    def alerts(self):
        return self.driver.execute_script("return window.__alerts || [];")

    def console(self):
        return self.driver.get_log("browser")


def scenario_buttons(browser):
    for user in PARAMETERS["users"]:
        browser.login(user["email"])
        check(browser.path == "/auth/home", "%s lands on the home page (at %s)" % (user["email"], browser.path))
        check(browser.driver.title.startswith("Home"), "the title names the page: %r" % browser.driver.title)
        enabled = [e.text for e in browser.driver.find_elements(By.CSS_SELECTOR, "nav.buttons a.button")]
        disabled = [e.text for e in browser.driver.find_elements(By.CSS_SELECTOR, "nav.buttons .button.disabled")]
        check(enabled == user["enabled"], "%s sees enabled %s (expected %s)" % (user["email"], enabled, user["enabled"]))
        check(sorted(enabled + disabled) == sorted(ALL_BUTTONS), "%s sees every button, the others disabled: %s" % (user["email"], disabled))
        check(str(user["emp_no"]) in browser.text(), "the home page names employee %s" % user["emp_no"])
        browser.shot("home-%s" % user["emp_no"])
        for label in enabled:
            link = browser.driver.find_element(By.LINK_TEXT, label)
            check(link.get_attribute("href").startswith(BASE + "/"), "%s links inside the service" % label)
        browser.logout()
        check(browser.path.startswith("/auth/login"), "logging out leads to the login page")


def scenario_admin_search_edit(browser):
    browser.login(PARAMETERS["admin"])
    browser.click_link("Search employees")
    check(browser.path == "/emp/search", "the search form opens")
    browser.shot("search-form")
    browser.fill("last_name", "%nas%")
    browser.fill("first_name", "%An")
    browser.submit()
    check(browser.path == "/emp/search/%25nas%25/%25An", "the results have their own address: %s" % browser.path)
    rows = browser.driver.find_elements(By.CSS_SELECTOR, "tbody tr")
    numbers = [row.find_elements(By.TAG_NAME, "td")[0].text for row in rows]
    check(numbers == PARAMETERS["expected_numbers"], "the results are %s" % numbers)
    browser.shot("search-results")
    browser.phone_shot("search-results")
    target = PARAMETERS["target"]
    browser.click_link(str(target))
    check(browser.path == "/emp/admin-get-update/%d" % target, "the record opens from the results")
    check(browser.field("firstName").get_attribute("value") == "Shan", "the form shows the current first name")
    browser.shot("record")
    browser.phone_shot("record")
    browser.fill("firstName", "Shawn")
    browser.submit("form[action='/emp/admin-save']")
    check(browser.path == "/emp/admin-get-update/%d?saved=1" % target, "saving leads back to the record (%s)" % browser.path)
    check("Saved." in browser.text(), "the page says it saved")
    check(browser.field("firstName").get_attribute("value") == "Shawn", "the record shows the new first name")
    check("Shawn" in browser.h1(), "the title shows the new name: %s" % browser.h1())
    browser.shot("record-saved")
    browser.click_link("History")
    check(browser.path == "/ui/employees/%d/history" % target, "the history page opens")
    events = browser.driver.find_elements(By.CSS_SELECTOR, "li.event")
    check(len(events) >= 2, "the timeline lists the creation and the change")
    last = events[-1]
    check("EmployeeUpdated" in last.text, "the last event is the update: %s" % last.find_element(By.TAG_NAME, "h2").text)
    cells = [td.text for td in last.find_elements(By.CSS_SELECTOR, "tbody td")]
    check(cells[:3] == ["first_name", "Shan", "Shawn"], "it shows first_name changing from Shan to Shawn: %s" % cells)
    check("employee:%d" % PARAMETERS["admin_emp_no"] in last.text, "it names who changed it")
    browser.shot("history")


def scenario_admin_create(browser):
    browser.login(PARAMETERS["admin"])
    browser.click_link("New employee")
    check(browser.path == "/emp/new", "the new-employee form opens")
    labels = browser.driver.find_elements(By.CSS_SELECTOR, "main form label")
    for field in browser.driver.find_elements(By.CSS_SELECTOR, "main form input:not([type=hidden]), main form select"):
        check(any(label.get_attribute("for") == field.get_attribute("id") for label in labels),
              "input %s has a label" % field.get_attribute("name"))
    browser.shot("new-form")
    values = {"firstName": "Ada", "lastName": "Lovelace", "birthDate": "10/12/1985", "gender": "F",
              "hireDate": "01/03/2015", "email": "ada.lovelace@example.com", "password": "Qv8-tundra-Plaxo-47-ember"}
    for name, value in values.items():
        browser.fill(name, value)
    browser.submit()
    check(browser.path.startswith("/emp/admin-get-update/") and browser.path.endswith("?saved=1"),
          "creating leads to the new record (%s)" % browser.path)
    check("Ada Lovelace" in browser.h1(), "the new record is shown: %s" % browser.h1())
    browser.shot("created")
    browser.get("/emp/new")
    values["firstName"] = "Augusta"
    for name, value in values.items():
        browser.fill(name, value)
    browser.submit()
    error = browser.driver.find_element(By.ID, "f-email-error")
    check(error.text == "Can't accept this email. Please specify another", "the email field says %r" % error.text)
    check(browser.field("email").get_attribute("value") == values["email"], "the email typed is kept")
    check(browser.field("firstName").get_attribute("value") == "Augusta", "the other values are kept")
    check(browser.field("password").get_attribute("value") == "", "the password is never sent back")
    browser.shot("duplicate-email")


def scenario_own_edit(browser):
    user = PARAMETERS["user"]
    browser.login(user["email"])
    browser.click_link("Edit my record")
    check(browser.path.startswith("/emp/own-get-update/%d" % user["emp_no"]), "the own record opens (%s)" % browser.path)
    browser.fill("lastName", "Nguyen-Tran")
    browser.submit("form[action='/emp/user-save']")
    check("Saved." in browser.text(), "the page says it saved")
    check(browser.field("lastName").get_attribute("value") == "Nguyen-Tran", "the new last name is shown")
    browser.shot("own-saved")
    for path in ["/emp/own-get-update/%d" % PARAMETERS["other"], "/emp/admin-get-update/%d" % PARAMETERS["other"]]:
        browser.get(path)
        check(browser.h1() == "Not enough permissions", "%s is refused: %s" % (path, browser.h1()))
        check(PARAMETERS["other_email"] not in browser.text(), "nothing of the other record shows")
        home = browser.driver.find_element(By.LINK_TEXT, "Go to the home page")
        check(home.get_attribute("href") == BASE + "/auth/home", "the refusal links home")
    browser.shot("refused")


def scenario_read_only(browser):
    user = PARAMETERS["user"]
    browser.login(user["email"])
    browser.click_link("My record")
    check(browser.path == "/emp/own-get-update/%d" % user["emp_no"], "the own record opens")
    check(user["email"] in browser.text(), "it shows the record")
    check(not browser.driver.find_elements(By.CSS_SELECTOR, "main form"), "there is no form to change it")
    check("Read only" in browser.text(), "it says it is read only")
    browser.shot("read-only")


def scenario_wrong_password(browser):
    browser.get("/")
    browser.shot("login")
    browser.phone_shot("login")
    browser.login(PARAMETERS["email"], "not-the-password")
    check(browser.path == "/auth/login?state=1", "a wrong password returns to the login form (%s)" % browser.path)
    check("Incorrect username or password" in browser.text(), "with the original's message")
    browser.shot("wrong-password")
    browser.get("/auth/home")
    check(browser.path == "/auth/login?state=2", "without a session the home page leads to the login form")
    check("Please log in to continue" in browser.text(), "saying 'Please log in to continue'")


def scenario_logout_back(browser):
    user = PARAMETERS["user"]
    browser.login(user["email"])
    browser.click_link("My record")
    check(user["email"] in browser.text(), "the record shows personal data")
    browser.logout()
    check(browser.path == "/auth/login?state=3", "logging out shows the login form")
    check("You have been logged out" in browser.text(), "saying so")
    browser.driver.back()
    check(user["email"] not in browser.text(), "back shows no personal data (at %s)" % browser.path)
    check(browser.path.startswith("/auth/login"), "back leads to the login form")
    browser.driver.back()
    check(user["email"] not in browser.text() and user["last_name"] not in browser.text(),
          "twice back shows no personal data (at %s)" % browser.path)
    browser.shot("after-back")


class AttackerPage(http.server.BaseHTTPRequestHandler):
    """Another origin's page with a form aimed at the service (submitted by a click: no script needed)."""
    form = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.form)

    def log_message(self, *arguments):
        pass


def scenario_csrf(browser):
    admin = PARAMETERS["admin"]
    target = PARAMETERS["target"]
    browser.login(admin)
    browser.get("/emp/admin-get-update/%d" % target)
    browser.driver.execute_script("document.querySelector(\"form[action='/emp/admin-save'] input[name='csrf_token']\").remove();")
    browser.fill("firstName", "Forged")
    browser.submit("form[action='/emp/admin-save']")
    check(browser.h1() == "Not enough permissions", "a form without its token is refused: %s" % browser.h1())
    browser.shot("missing-token")
    fields = "".join('<input type="hidden" name="%s" value="%s">' % pair for pair in [
        ("empNo", str(target)), ("firstName", "Forged"), ("lastName", "Nastansky"), ("birthDate", "12/12/1955"),
        ("gender", "M"), ("hireDate", "04/05/1986"), ("csrf_token", "guessed")])
    AttackerPage.form = ('<!DOCTYPE html><title>Win a prize</title><form method="post" action="%s/emp/admin-save">%s'
                         '<button type="submit">Claim</button></form>' % (BASE, fields)).encode()
    server = http.server.HTTPServer(("127.0.0.1", 0), AttackerPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        browser.driver.get("http://127.0.0.1:%d/" % server.server_address[1])
        browser.navigating(browser.driver.find_element(By.TAG_NAME, "button"))
        check(browser.path == "/emp/admin-save" and browser.h1() == "Not enough permissions",
              "a form from another origin is refused (%s: %s)" % (browser.path, browser.h1()))
        browser.shot("foreign-origin")
    finally:
        server.shutdown()
    browser.get("/emp/admin-get-update/%d" % target)
    check(browser.field("firstName").get_attribute("value") == "Shan", "the record is unchanged")


def scenario_xss(browser):
    browser.login(PARAMETERS["admin"])
    pages = ["/emp/admin-get-update/%d" % n for n in PARAMETERS["targets"]]
    pages += ["/ui/employees/%d/history" % n for n in PARAMETERS["targets"]]
    pages += ["/emp/search/%25alert%25/%25", "/ui/security-log", "/ui/events"]
    for number, path in enumerate(pages):
        browser.get(path)
        body = browser.text()
        for payload in PARAMETERS["texts"].get(path, []):
            check(payload in body, "%s shows %r as text" % (path, payload))
        injected = browser.driver.find_elements(By.CSS_SELECTOR, "main img, main script, main svg, body script")
        check(not injected, "%s has no element made from data (%d found)" % (path, len(injected)))
        check(browser.alerts() == [], "%s ran no alert" % path)
        browser.shot("xss-%d" % number)
    problems = [entry for entry in browser.console() if entry.get("level") == "SEVERE"]
    check(problems == [], "the console logged no error or refused script: %s" % problems)


def scenario_chain(browser):
    browser.login(PARAMETERS["admin"])
    browser.click_link("Event log")
    check(browser.path == "/ui/events", "the event log opens")
    expected = PARAMETERS["expected"]
    if expected == "intact":
        verdict = browser.driver.find_element(By.CSS_SELECTOR, ".chain-intact").text
        check(verdict.startswith("Chain intact"), "the chain verifies: %s" % verdict)
        browser.shot("chain-intact")
    else:
        try:
            verdict = browser.driver.find_element(By.CSS_SELECTOR, ".chain-broken").text
        except NoSuchElementException:
            raise CheckFailed("the page does not say the chain is broken: %s" % browser.text()[:400])
        check("Chain broken" in verdict and PARAMETERS["position"] in verdict, "the tampering shows: %s" % verdict)
        browser.shot("chain-broken")
    browser.get("/ui/security-log")
    check(browser.h1() == "Security log", "the security log opens")
    check("login_succeeded" in browser.text(), "it lists the login")
    browser.shot("security-log")


SCENARIOS = {name[len("scenario_"):]: function for name, function in globals().items() if name.startswith("scenario_")}


def main():
    name = sys.argv[1]
    browser = Browser(name)
    try:
        SCENARIOS[name](browser)
    except CheckFailed as failure:
        try:
            browser.shot("failure")
        finally:
            print("FAILED:", failure)
        sys.exit(1)
    finally:
        browser.close()
    print("scenario %s: passed" % name)


if __name__ == "__main__":
    main()
