/* "Read this to me": the page read aloud by the phone's own voice. Only voices that run on
   the device (localService) are used, so no words of the page leave the phone; with no such
   voice the button stays hidden. The heading and the answer (see ANSWER) are read first,
   then the rest of the page, skipping the map, the controls and anything hidden. */
(function () {
  "use strict";

  var box = document.querySelector("[data-speech]");
  var synth = window.speechSynthesis;
  var Utterance = window.SpeechSynthesisUtterance;
  if (!box || !synth || !Utterance) { return; }
  var main = document.getElementById("main");
  var read = box.querySelector("[data-speech-read]");
  var pause = box.querySelector("[data-speech-pause]");
  var stop = box.querySelector("[data-speech-stop]");
  var status = box.querySelector("[data-speech-status]");
  if (!main || !read || !pause || !stop || !status) { return; }

  // The page's heading, then its answer: the nearest place, or what to do in danger.
  var ANSWER = "h1, [data-speech-answer], .sp-answer, .sp-idea-danger";
  var SKIP = "[data-speech], [data-speech-skip], [aria-hidden='true'], .sp-map-section, .sp-visually-hidden, svg, script, style, noscript, form, dialog";
  var voice = null;
  var paused = false;
  var queued = 0;
  var run = 0;  // each reading's number: a cancelled reading's late "end" events are ignored

  // An English voice on the phone itself; never one that sends the words to a server.
  function localVoice() {
    var voices = (synth.getVoices() || []).filter(function (v) { return v.localService === true; });
    function lang(prefix) {
      return voices.filter(function (v) { return String(v.lang || "").toLowerCase().indexOf(prefix) === 0; })[0];
    }
    return lang("en-gb") || lang("en") || null;
  }

  function offer() {
    voice = localVoice();
    box.hidden = !voice;
  }

  // On the screen: a box of its own, or its children's (display: contents lays out a grid).
  function shown(el) {
    if (el.closest("[hidden]")) { return false; }
    return el.getClientRects().length > 0 || window.getComputedStyle(el).display === "contents";
  }

  // Each line ends in a full stop, so the voice pauses between a heading and what follows.
  function add(into, text) {
    String(text || "").split(/\n+/).forEach(function (line) {
      line = line.replace(/\s+/g, " ").trim();
      if (line) { into.push(/[.?!:,]$/.test(line) ? line : line + "."); }
    });
    return into;
  }

  // The words of `el`, block by block, leaving out what is skipped or not on the screen.
  function words(el, into, leave) {
    if (el.nodeType === 3) { return add(into, el.textContent); }
    if (el.nodeType !== 1 || el.matches(SKIP) || (leave && el.matches(ANSWER)) || !shown(el)) { return into; }
    if (!el.querySelector(SKIP + (leave ? ", " + ANSWER : ""))) {
      return add(into, el.innerText);
    }
    Array.prototype.forEach.call(el.childNodes, function (child) { words(child, into, leave); });
    return into;
  }

  function parts() {
    var first = [];
    Array.prototype.forEach.call(main.querySelectorAll(ANSWER), function (el) {
      if (!el.parentElement.closest(ANSWER)) { words(el, first, false); }
    });
    // Then "I need help now", which sits below the page's main part.
    var help = document.querySelector(".sp-help");
    var rest = words(main, [], true).concat(help ? words(help, [], true) : []);
    return first.length ? [first.join(" ")].concat(rest) : rest;
  }

  function say(message) { status.textContent = message; }

  function playing(on) {
    pause.hidden = !on;
    stop.hidden = !on;
    paused = false;
    pause.setAttribute("aria-pressed", "false");
    pause.querySelector("[data-speech-label]").textContent = "Pause";
  }

  // Stop and Pause vanish when reading ends: their focus goes back to "Read this to me".
  function finish(message) {
    var had = document.activeElement === pause || document.activeElement === stop;
    playing(false);
    say(message);
    if (had) { read.focus(); }
  }

  read.addEventListener("click", function () {
    if (!voice) { return; }
    synth.cancel();
    var texts = parts();
    var mine = ++run;
    queued = texts.length;
    playing(true);
    say("Reading the page to you.");
    texts.forEach(function (text) {
      var u = new Utterance(text);
      u.voice = voice;
      u.lang = voice.lang;
      u.onend = function () {
        if (mine !== run) { return; }
        queued -= 1;
        if (queued === 0) { finish("Finished reading."); }
      };
      u.onerror = u.onend;  // a part the voice could not say must not leave Stop showing
      synth.speak(u);
    });
  });

  pause.addEventListener("click", function () {
    paused = !paused;
    if (paused) { synth.pause(); } else { synth.resume(); }
    pause.setAttribute("aria-pressed", paused ? "true" : "false");
    pause.querySelector("[data-speech-label]").textContent = paused ? "Carry on" : "Pause";
    say(paused ? "Paused. Press Carry on to hear the rest." : "Reading the page to you.");
  });

  stop.addEventListener("click", function () {
    run += 1;
    queued = 0;
    synth.cancel();
    finish("Stopped reading.");
  });

  // Leaving the page (Exit too) stops the voice.
  window.addEventListener("pagehide", function () { synth.cancel(); });

  offer();
  // Chromium finds its voices a moment after the page loads.
  if (synth.addEventListener) { synth.addEventListener("voiceschanged", offer); }
})();
