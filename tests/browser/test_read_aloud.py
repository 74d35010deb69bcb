"""Read this to me, in Chromium: the page is read by a voice on the phone itself, the answer
first; Pause and Stop work from the keyboard; with no such voice the button is not offered.

Only inside the test page, `speechSynthesis` is replaced by a recorder that keeps each
utterance's words and voice and says nothing (Chromium here has no voices of its own).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from browser.helpers import PHONE, Browsing, BrowsingFactory, LiveServer, assert_no_violations

pytestmark = pytest.mark.browser

READ = "button[data-speech-read]"
PAUSE = "button[data-speech-pause]"
STOP = "button[data-speech-stop]"

# A stand-in for the browser's speech: `voices` is what getVoices() gives; `late` gives them
# only after a "voiceschanged" event, as Chromium does.
RECORDER = """
(() => {
  const wanted = %s;
  const late = %s;
  let voices = late ? [] : wanted;
  const calls = [];
  const spoken = [];
  const said = [];
  class Synth extends EventTarget {
    getVoices() { return voices.slice(); }
    speak(u) { spoken.push({text: u.text, voice: u.voice && u.voice.name,
                            local: u.voice && u.voice.localService});
               said.push(u); calls.push("speak"); }
    cancel() { calls.push("cancel"); }
    pause() { calls.push("pause"); }
    resume() { calls.push("resume"); }
  }
  class Utterance { constructor(text) { this.text = text; this.voice = null; } }
  const synth = new Synth();
  Object.defineProperty(window, "speechSynthesis", {value: synth, configurable: true});
  Object.defineProperty(window, "SpeechSynthesisUtterance", {value: Utterance, configurable: true});
  window.__speech = {calls, spoken, end() { said.splice(0).forEach(u => u.onend && u.onend()); },
                     arrive() { voices = wanted;
                                               synth.dispatchEvent(new Event("voiceschanged")); }};
})();
"""
LOCAL = [{"name": "On this phone", "lang": "en-GB", "localService": True}]
PAGES = ["/find?q=DE4%203AG", "/places/S1", "/hate-crime", "/card"]
REMOTE = [{"name": "Online voice", "lang": "en-GB", "localService": False}]


def _speaking(
    open_browsing: BrowsingFactory, voices: list[dict[str, Any]], late: bool = False
) -> Browsing:
    web = open_browsing(PHONE)
    flag = "true" if late else "false"
    web.context.add_init_script(RECORDER % (_js(voices), flag))
    return web


def _js(voices: list[dict[str, Any]]) -> str:
    items = [
        f'{{name: "{v["name"]}", lang: "{v["lang"]}", '
        f"localService: {'true' if v['localService'] else 'false'}}}"
        for v in voices
    ]
    return "[" + ", ".join(items) + "]"


def _spoken(web: Browsing) -> list[dict[str, Any]]:
    spoken: list[dict[str, Any]] = web.page.evaluate("window.__speech.spoken")
    return spoken


def _calls(web: Browsing) -> list[str]:
    calls: list[str] = web.page.evaluate("window.__speech.calls")
    return calls


def _only_this_machine(web: Browsing) -> None:
    away = [r.url for r in web.requests if urlsplit(r.url).hostname not in (None, "127.0.0.1")]
    assert not [u for u in away if not u.startswith(("data:", "about:"))], away
    assert not web.errors, "\n".join(web.errors)


def test_results_read_the_answer_first_with_a_voice_on_the_phone(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer
) -> None:
    web = _speaking(open_browsing, LOCAL)
    web.goto(synthetic_server, "/find?q=DE4%203AG")
    page = web.page
    read = page.locator(READ)
    assert read.is_visible(), "the button is not offered with a voice on the phone"
    assert page.locator(PAUSE).is_hidden() and page.locator(STOP).is_hidden()
    answer_name = page.locator(".sp-answer .sp-answer-name").inner_text().strip()

    read.focus()
    page.keyboard.press("Enter")
    spoken = _spoken(web)
    assert spoken, "nothing was read"
    assert all(s["voice"] == "On this phone" and s["local"] is True for s in spoken), spoken
    first = spoken[0]["text"]
    assert first.startswith("Nearest Safe Place open now"), first
    assert answer_name in first and "walk" in first, first
    rest = " ".join(s["text"] for s in spoken[1:])
    assert "The nearest Safe Places" in rest and "Nearest police station" in rest, rest
    assert "Nearest Safe Place open now" not in rest, "the answer was read twice"
    said = " ".join(s["text"] for s in spoken)
    assert "Read this to me" not in said and "Keep these places" not in said, "controls read"
    assert page.locator("[data-speech-status]").inner_text() == "Reading the page to you."

    # When the voice has said every part, Pause and Stop go and the page says so.
    page.keyboard.press("Tab")
    page.evaluate("window.__speech.end()")
    assert page.locator("[data-speech-status]").inner_text() == "Finished reading."
    assert page.locator(PAUSE).is_hidden() and page.locator(STOP).is_hidden()
    assert page.evaluate("document.activeElement.hasAttribute('data-speech-read')")
    _only_this_machine(web)


def test_pause_carry_on_and_stop_work_from_the_keyboard(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer
) -> None:
    web = _speaking(open_browsing, LOCAL)
    web.goto(synthetic_server, "/places/S1")
    page = web.page
    page.locator(READ).focus()
    page.keyboard.press("Enter")
    first = _spoken(web)[0]["text"]
    assert first.startswith("Matlock Library"), first
    assert "Opening times" not in first, "the answer runs on into the rest of the page"

    pause, status = page.locator(PAUSE), page.locator("[data-speech-status]")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.hasAttribute('data-speech-pause')")
    page.keyboard.press("Enter")
    assert _calls(web)[-1] == "pause"
    assert pause.get_attribute("aria-pressed") == "true" and pause.inner_text() == "Carry on"
    assert status.inner_text().startswith("Paused.")
    page.keyboard.press("Space")
    assert _calls(web)[-1] == "resume" and pause.inner_text() == "Pause"
    assert pause.get_attribute("aria-pressed") == "false"

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert _calls(web)[-1] == "cancel"
    assert status.inner_text() == "Stopped reading."
    assert pause.is_hidden() and page.locator(STOP).is_hidden()
    # Stop has gone: focus is back on "Read this to me", not lost on the page.
    assert page.evaluate("document.activeElement.hasAttribute('data-speech-read')")
    _only_this_machine(web)


@pytest.mark.parametrize("voices", [REMOTE, []], ids=["online-voices-only", "no-voices"])
@pytest.mark.parametrize("path", PAGES)
def test_no_button_without_a_voice_on_the_phone(
    open_browsing: BrowsingFactory,
    synthetic_server: LiveServer,
    path: str,
    voices: list[dict[str, Any]],
) -> None:
    web = _speaking(open_browsing, voices)
    web.goto(synthetic_server, path)
    page = web.page
    assert page.locator("[data-speech]").count() == 1, "the page has no Read this to me"
    page.evaluate("window.__speech.arrive()")
    assert page.locator(READ).is_hidden(), "offered with no voice on the phone"
    assert _spoken(web) == []


def test_a_voice_that_arrives_late_shows_the_button(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer
) -> None:
    web = _speaking(open_browsing, LOCAL, late=True)
    web.goto(synthetic_server, "/hate-crime")
    page = web.page
    assert page.locator(READ).is_hidden()
    page.evaluate("window.__speech.arrive()")
    assert page.locator(READ).is_visible()
    page.locator(READ).click()
    assert not web.errors, web.errors
    first = _spoken(web)[0]["text"]
    assert first.startswith("Report a hate crime. Is someone nasty to you"), first
    assert "Are you in danger now?" in first and "999" in first, first
    rest = " ".join(s["text"] for s in _spoken(web)[1:])
    assert rest.startswith("Deaf, or find it hard") and "Is it not an emergency?" in rest, rest


def test_the_card_page_reads_its_heading_then_the_card_then_the_help(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer
) -> None:
    web = _speaking(open_browsing, LOCAL)
    web.goto(synthetic_server, "/card")
    web.page.locator(READ).click()
    spoken = [s["text"] for s in _spoken(web)]
    assert spoken[0] == "Show your card to staff at a Safe Place.", spoken
    rest = " ".join(spoken[1:])
    assert "Your Keep Safe Card has your name" in rest, rest
    assert rest.index("Show it to the staff") < rest.index("I need help now"), rest
    assert "999" in rest.split("I need help now", 1)[1], "the help numbers were not read"
    _only_this_machine(web)


@pytest.mark.parametrize("path", PAGES)
def test_read_aloud_passes_axe(
    open_browsing: BrowsingFactory, synthetic_server: LiveServer, path: str
) -> None:
    web = _speaking(open_browsing, LOCAL)
    web.goto(synthetic_server, path)
    web.page.locator(READ).click()
    assert web.page.locator(STOP).is_visible()
    assert_no_violations(web, f"{path} while reading")
