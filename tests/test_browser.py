"""The browser page in a real browser: Debian's chromium, driven by Playwright for Python (installed by
`make test`: the pip extra "browser" and apt-get install chromium). The server is the real app on a free
loopback port, with the real skill.

Speech synthesis is observed through the page's own hook (the "gesprekscoach:spreek" event: the text
and rate of every piece it hands to speechSynthesis), with a stand-in speechSynthesis that offers a
Dutch voice, since headless chromium has no voices; speech recognition through a stand-in
SpeechRecognition that hears a given sentence. Waits are for page state, never for a time.

GESPREKSCOACH_SCREENSHOT=docs/browser.png (make screenshot) writes the README's picture of the page.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import threading
from pathlib import Path

import pytest

from skill.builder import build_skill
from skill.config import SkillConfig
from skill.web.page import PageSettings
from skill.web import WebSettings, create_app

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("GESPREKSCOACH_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")

HOOKS = """
window.__gc = {spoken: [], answers: [], synth: [], recognition: [], console: []};
window.addEventListener("gesprekscoach:spreek", function (e) { window.__gc.spoken.push(e.detail); });
window.addEventListener("gesprekscoach:antwoord", function (e) { window.__gc.answers.push(e.detail); });
"""

DUTCH_VOICE = """
(function () {
  var dutch = {name: "Testmarijke", lang: "nl-NL", localService: true, default: false, voiceURI: "test-nl"};
  var english = {name: "Testjohn", lang: "en-US", localService: true, default: true, voiceURI: "test-en"};
  var fake = {
    speaking: false, pending: false, paused: false,
    getVoices: function () { return [english, dutch]; },
    speak: function (u) {
      if (!u.text) { window.__gc.unlocked = true; return; }  /* the page's unlock for iOS Safari */
      window.__gc.synth.push({text: u.text, rate: u.rate, lang: u.lang, voice: u.voice && u.voice.name});
      setTimeout(function () { if (u.onend) { u.onend({}); } }, 0);
    },
    cancel: function () {}, pause: function () {}, resume: function () {},
    addEventListener: function () {}, removeEventListener: function () {}
  };
  Object.defineProperty(window, "speechSynthesis", {value: fake, configurable: true});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; this.rate = 1; this.lang = ""; this.voice = null; };
}());
"""

HEARS = """
(function () {
  function FakeRecognition() {}
  FakeRecognition.prototype.start = function () {
    var self = this;
    window.__gc.recognition.push({lang: self.lang, interimResults: self.interimResults});
    setTimeout(function () {
      self.onresult({results: [[{transcript: %s, confidence: 0.93}]]});
      self.onend();
    }, 0);
  };
  FakeRecognition.prototype.stop = function () { this.onend(); };
  FakeRecognition.prototype.abort = function () { this.onend(); };
  window.SpeechRecognition = FakeRecognition;
  window.webkitSpeechRecognition = FakeRecognition;
}());
"""

NO_RECOGNITION = """
Object.defineProperty(window, "SpeechRecognition", {value: undefined, configurable: true});
Object.defineProperty(window, "webkitSpeechRecognition", {value: undefined, configurable: true});
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from werkzeug.serving import make_server

    # with memory (issue 9) in a throw-away SQLite file: each browser context is a new person
    config = SkillConfig(rng=random.Random(11), store=f"sqlite:{tmp_path_factory.mktemp('store') / 'profiles.db'}")
    # dev: /alexa is not used here, and no trust roots need loading; the page is the same either way
    app = create_app(config, WebSettings(dev=True, page=PageSettings(rate_burst=1000)), skill=build_skill(config))
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - make test installs it
        pytest.fail("Playwright for Python is missing: run `make browser-deps` (pip extra 'browser')")
    if not CHROMIUM:  # pragma: no cover
        pytest.fail("chromium is missing: run `make browser-deps` (apt-get install chromium)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


class Page:
    """One visitor: a fresh browser context (no cookies) on the page, with the hooks installed."""

    def __init__(self, browser, url, *scripts, viewport=None, clock=False):
        self.context = browser.new_context(viewport=viewport or {"width": 900, "height": 900}, locale="nl-NL")
        self.page = self.context.new_page()
        self.problems = []
        self.page.on("console", lambda msg: self.problems.append(msg.text) if msg.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.problems.append(str(exc)))
        for script in (HOOKS,) + scripts:
            self.page.add_init_script(script)
        if clock:
            self.page.clock.install()
        self.page.goto(url + "/")
        self.page.wait_for_selector("html[data-klaar=ja]")

    def answers(self):
        return self.page.locator("#gesprek li.coach")

    def _wait_for_answers(self, count):
        self.page.locator("#gesprek li.coach, #gesprek li.fout").nth(count - 1).wait_for()
        last = self.answers().last
        return last.locator(".antwoord").inner_text()

    def type(self, text):
        """Type into the field and press Enter, as a person does; returns the answer's text."""
        count = self.answers().count()
        self.page.fill("#invoer", text)  # the keyboard test types key by key; here the field is filled
        self.page.press("#invoer", "Enter")
        return self._wait_for_answers(count + 1)

    def click(self, selector):
        count = self.answers().count()
        self.page.click(selector)
        return self._wait_for_answers(count + 1)

    def understood(self):
        return self.page.locator("#gesprek li.jij .begrepen").last.inner_text()

    def hook(self, name):
        return self.page.evaluate(f"window.__gc.{name}")

    def close(self):
        csp = [p for p in self.problems if "Content Security Policy" in p or "Refused to" in p]
        self.context.close()
        assert not csp, csp
        assert not self.problems, self.problems


@pytest.fixture
def visit(browser, server):
    opened = []

    def open_page(*scripts, **kwargs):
        page = Page(browser, server, *scripts, **kwargs)
        opened.append(page)
        return page

    yield open_page
    for page in opened:
        page.close()


def quiz_reply(text):
    """An answer of the right kind to the quiz question that ends text (right or wrong)."""
    return "a" if "A, B of C" in text.rsplit("…", 1)[-1] else "waar"


# ---------------------------------------------------------------------------------------- tests


def test_type_a_question_and_see_the_answer_and_its_card(visit):
    v = visit()
    answer = v.type("wat is lichaamstaal")
    assert answer.startswith("Let op non-verbale signalen.")
    card = v.answers().last.locator(".kaart")
    assert card.locator("h3").inner_text() == "Let op non-verbale signalen"
    assert card.locator("p").inner_text() == "Op de kaart staat dezelfde tekst als hierboven."
    assert v.understood() == "begrepen: PrincipleIntent principe='lichaamstaal' -> non_verbaal"
    assert v.page.locator("#gesprek li.jij .gezegd").last.inner_text() == "wat is lichaamstaal"
    assert v.page.evaluate("document.activeElement.id") == "invoer"  # ready for the next question
    assert v.page.locator("#invoer").input_value() == ""
    v.type("ik wil niet meer leven")  # this card says more than the speech: it is shown in full
    card = v.answers().last.locator(".kaart p")
    assert "113" in card.inner_text() and "112" in card.inner_text()
    assert card.inner_text() != "Op de kaart staat dezelfde tekst als hierboven."


def test_a_whole_quiz_round_by_clicking_and_typing(visit):
    v = visit()
    answer = v.click("button[data-zeg='start de quiz']")
    assert "Vraag 1 van 5" in answer and v.understood() == "begrepen: QuizIntent"
    for number in range(2, 6):
        answer = v.type(quiz_reply(answer))
        assert f"Vraag {number} van 5" in answer or (number == 5 and "laatste vraag" in answer), answer
        assert v.understood().startswith("begrepen: QuizAnswerIntent")
    answer = v.type(quiz_reply(answer))
    assert re.search(r"\b[0-5] van de 5\b", answer), answer  # the score
    assert v.page.locator("#gesprek li.einde").count() == 0  # the session stays open for a new round


def test_the_checklist_step_by_step(visit):
    v = visit()
    answer = v.type("de checklist stap voor stap")
    assert "Stap 1 van 4" in answer and "begrepen: ChecklistIntent" in v.understood()
    for step in (2, 3, 4):
        answer = v.type("volgende")
        assert f"Stap {step} van 4" in answer, answer


def test_help_and_stop_and_going_on_after_stop(visit):
    v = visit()
    answer = v.click("button[data-zeg='help']")
    assert v.understood() == "begrepen: AMAZON.HelpIntent" and answer.endswith("?")
    assert v.page.locator("#gesprek li.einde").count() == 0
    v.type("stop")
    assert v.understood() == "begrepen: AMAZON.StopIntent"
    assert v.page.locator("#gesprek li.einde").last.inner_text().startswith("Gesprek beëindigd.")
    answer = v.type("wat is lichaamstaal")  # a new session, straight into the answer
    assert answer.startswith("Let op non-verbale signalen.")


def test_memory_per_browser_and_wis_mijn_gegevens(visit):
    """The browser's anonymous user id carries its progress; "wis mijn gegevens" wipes it."""
    from tests.quiz_helpers import said

    v = visit()
    v.type(quiz_reply(v.type("start de quiz")))
    v.type("stop")
    progress = v.type("hoe sta ik ervoor")
    assert v.understood() == "begrepen: ProgressIntent"
    assert any(said(progress, "memory_progress_no_round", right=right, answered=1) for right in (0, 1)), progress
    assert said(visit().type("hoe sta ik ervoor"), "memory_progress_none")  # another browser: no score
    v.type("wis mijn gegevens")
    assert v.understood() == "begrepen: ForgetMeIntent"
    v.type("ja")
    assert v.page.locator("#gesprek li.einde").count() == 2  # after stop, and the goodbye after wiping
    assert said(v.type("hoe sta ik ervoor"), "memory_progress_none")


def test_answers_are_spoken_piece_by_piece_in_a_dutch_voice_at_the_ssml_pace(visit):
    v = visit(DUTCH_VOICE, clock=True)
    assert v.page.locator("#stem").inner_text() == "Stem: Testmarijke"
    v.type("geef een open vraag")
    pieces = [p for p in v.hook("answers")[-1]["speech"] if p["text"]]
    assert len(pieces) >= 4
    v.page.clock.run_for(60_000)  # the pauses between the pieces pass
    spoken = v.hook("spoken")
    assert [(s["text"], s["rate"], s["pauseMs"]) for s in spoken] == [
        (p["text"], p["rate"], p["pause_ms"]) for p in pieces
    ]
    assert {s["lang"] for s in spoken} == {"nl-NL"} and {s["voice"] for s in spoken} == {"Testmarijke"}
    quotes = re.findall(r"‘([^’]+)’", v.answers().last.locator(".antwoord").inner_text())
    assert quotes and [s["text"] for s in spoken if s["rate"] == 0.9] == quotes  # example phrases slower
    assert {s["rate"] for s in spoken if s["text"] not in quotes} == {0.95}
    assert [s["text"] for s in v.hook("synth")] == [s["text"] for s in spoken]  # handed to speechSynthesis
    assert v.hook("unlocked") is True  # speechSynthesis was first used during the key press
    # reading aloud off: the next answer is shown, not spoken; the choice is remembered on reload
    v.page.locator("#voorlezen").uncheck()
    v.type("geef me een tip")
    v.page.clock.run_for(60_000)
    assert len(v.hook("spoken")) == len(spoken)
    v.page.reload()
    v.page.wait_for_selector("html[data-klaar=ja]")
    assert not v.page.locator("#voorlezen").is_checked()


def test_without_a_dutch_voice_the_page_says_so_and_speaks_nothing(visit):
    v = visit()  # headless chromium has no voices at all
    assert "geen Nederlandse stem" in v.page.locator("#stem").inner_text()
    v.type("geef me een tip")
    assert v.hook("spoken") == [] and v.hook("synth") == []


def test_speech_recognition_result_is_sent_as_a_question(visit):
    v = visit(DUTCH_VOICE, HEARS % '"geef een open vraag"')
    mic = v.page.locator("#microfoon")
    assert mic.is_enabled() and mic.get_attribute("aria-pressed") == "false"
    answer = v.click("#microfoon")
    assert v.hook("recognition") == [{"lang": "nl-NL", "interimResults": False}]
    assert v.page.locator("#gesprek li.jij .gezegd").last.inner_text() == "geef een open vraag"
    assert v.understood() == "begrepen: ExamplesIntent principe='open vraag' -> open_vragen"
    assert "‘" in answer
    assert v.page.locator("#status").inner_text() in ("", "Gehoord: geef een open vraag")
    assert mic.get_attribute("aria-pressed") == "false"


def test_chromiums_own_speech_recognition_failing_is_explained(visit):
    """No stand-in: Debian's chromium has the API but no microphone or speech service here; whichever
    error it reports, the page says what happened, offers typing and releases the button."""
    from playwright.sync_api import expect

    v = visit()
    mic = v.page.locator("#microfoon")
    mic.click()
    status = v.page.locator("#status")
    expect(status).to_have_text(re.compile("typ je vraag", re.IGNORECASE), timeout=20_000)
    expect(mic).to_have_attribute("aria-pressed", "false")
    assert v.type("geef me een tip")


def test_without_speech_recognition_the_page_says_so_and_typing_works(visit):
    v = visit(NO_RECOGNITION)
    assert v.page.locator("#microfoon").is_disabled()
    assert v.page.locator("#status").inner_text().startswith("Spraakherkenning werkt niet in deze browser.")
    assert v.type("geef me een tip")


def test_keyboard_only_with_visible_focus(visit):
    v = visit()
    page = v.page
    order = []
    for _ in range(12):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
    assert order[:4] == ["Direct naar het invoerveld", "invoer", "verstuur", "microfoon"], order
    assert "Start de quiz" in order and "voorlezen" in order
    # every focused control shows a visible outline
    page.keyboard.press("Shift+Tab")
    outline = page.evaluate(
        "(() => { var s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert outline[0] != "none" and outline[1] >= 2, outline
    page.locator("#invoer").focus()
    page.keyboard.type("geef me een tip")
    page.keyboard.press("Enter")
    page.wait_for_selector("#gesprek li.coach")
    assert page.evaluate("document.activeElement.id") == "invoer"


CONTRAST = """
(selectors) => {
  function rgb(c) { var m = c.match(/[\\d.]+/g).map(Number); return m; }
  function lum(c) {
    return 0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2]);
    function ch(v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }
  }
  function background(el) {
    for (; el; el = el.parentElement) {
      var c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) { return c; }
    }
    return [255, 255, 255];
  }
  return selectors.map(function (sel) {
    var el = document.querySelector(sel);
    var a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    return [sel, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
  });
}
"""


def test_contrast_phone_width_and_text_that_scales(visit):
    v = visit(viewport={"width": 360, "height": 740})
    v.type("wat is lichaamstaal")
    for selector, ratio in v.page.evaluate(
        CONTRAST,
        [
            "body",
            ".intro",
            ".klein",
            "#verstuur",
            "#microfoon",
            ".suggesties button",
            "#gesprek .coach .antwoord",
            "#gesprek .begrepen",
            ".kaart p",
            ".wie",
            "footer p",
            "footer a",
            "#invoer",
        ],
    ):
        assert ratio >= 4.5, (selector, ratio)
    fits = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    assert v.page.evaluate(fits)
    assert v.page.locator("#invoer").is_visible() and v.page.locator("#verstuur").is_visible()
    before = v.page.evaluate("parseFloat(getComputedStyle(document.querySelector('.antwoord')).fontSize)")
    v.page.evaluate("document.documentElement.style.fontSize = '200%'")
    after = v.page.evaluate("parseFloat(getComputedStyle(document.querySelector('.antwoord')).fontSize)")
    assert after == 2 * before
    assert v.page.evaluate(fits)


def test_screenshot_of_the_page(visit, tmp_path):
    """The README's picture: a short conversation with a card (make screenshot writes docs/browser.png)."""
    v = visit(viewport={"width": 860, "height": 1000})
    v.type("wat is lichaamstaal")
    v.type("geef een voorbeeldzin")
    v.page.locator("#invoer").focus()
    target = Path(os.environ.get("GESPREKSCOACH_SCREENSHOT") or tmp_path / "browser.png")
    if not target.is_absolute():
        target = REPO / target
    v.page.screenshot(path=str(target), full_page=True)
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
