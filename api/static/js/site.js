/* Enhancements for every page: the quick exit and "Use my location". The pages work
   without this script. */
(function () {
  "use strict";

  // The path the site is served under ("" at the root of its address), from the page.
  var root = document.documentElement.getAttribute("data-root") || "";

  // What "Exit this page" and "Forget these places" take off the phone: the places kept by
  // "Keep these places on my phone" (kept.js), and any cache that is not the help every
  // visitor gets. Everything starts at once and nothing waits for it, so Exit still leaves
  // at once: localStorage is removed before the next line runs, and the service worker
  // finishes emptying the caches even after this page has gone. The Keep Safe Card has its
  // own tick and "Forget my card", and stays.
  var KEPT_KEY = "safeplaces.kept";
  var HELP_CACHES = "safeplaces-help-";
  function forgetKeptPlaces() {
    try { window.localStorage.removeItem(KEPT_KEY); } catch (err) { /* nothing kept */ }
    var worker = "serviceWorker" in navigator && navigator.serviceWorker.controller;
    if (worker) { worker.postMessage("forget"); }
    if (window.caches) {
      window.caches.keys().then(function (names) {
        names.forEach(function (name) {
          if (name.indexOf(HELP_CACHES) !== 0) { window.caches.delete(name); }
        });
      }).catch(function () {});
    }
  }
  window.SafePlaces = window.SafePlaces || {};
  window.SafePlaces.forgetKeptPlaces = forgetKeptPlaces;

  // Exit this page: replace (not push) the history entry so Back does not return here.
  var exit = document.querySelector("[data-exit-url]");
  function leave(event) {
    forgetKeptPlaces();
    var url = exit.getAttribute("data-exit-url");
    if (window.top !== window.self) {
      // The map in a partner's frame: leave the whole partner page, not only the frame.
      try {
        window.top.location.replace(url);
      } catch (err) {
        // The partner's sandbox forbids it: the link itself (target="_top") still leaves,
        // though Back can come back. Without a click there is only the frame to empty.
        if (event) { return; }
      }
    }
    if (event) { event.preventDefault(); }
    document.body.innerHTML = "";
    document.title = "";
    if (window.top === window.self) { window.location.replace(url); }
  }
  if (exit) {
    exit.addEventListener("click", leave);
    // Shift pressed three times in a row (within 5 seconds) also leaves, as on GOV.UK.
    // Any other key starts the count again, and a Shift used to type a capital letter
    // doesn't count, so typing a name can never trigger it.
    var presses = 0;
    var timer = null;
    var usedForCapital = false;
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Shift") {
        presses = 0;
        usedForCapital = event.shiftKey;
      }
    });
    document.addEventListener("keyup", function (event) {
      if (event.key !== "Shift") { return; }
      if (usedForCapital) { usedForCapital = false; return; }
      presses += 1;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { presses = 0; }, 5000);
      if (presses >= 3) { leave(); }
    });
  }

  // Text that only makes sense when scripts run (the map's buttons), and text that is only
  // true without them (what the exit link does then).
  Array.prototype.forEach.call(document.querySelectorAll(".sp-js-only"), function (el) {
    el.hidden = false;
  });
  Array.prototype.forEach.call(document.querySelectorAll(".sp-no-js"), function (el) {
    el.hidden = true;
  });

  // The help pages kept on the phone for when there is no signal (public pages only: they
  // link the manifest; never inside a partner's frame).
  if ("serviceWorker" in navigator && document.querySelector("link[rel=manifest]") &&
      window.top === window.self) {
    navigator.serviceWorker.register(root + "/sw.js", { scope: root + "/" }).catch(function () {});
  }

  // After a search that went wrong, start where the page says what to do.
  var first = document.querySelector("[data-first-focus]");
  if (first) { first.focus(); }

  // Use my location: only when the button is pressed, after the page has said what happens.
  var locate = document.querySelector("[data-locate]");
  if (locate && "geolocation" in navigator) {
    locate.hidden = false;
    var status = locate.querySelector("[data-locate-status]");
    locate.querySelector("[data-locate-button]").addEventListener("click", function () {
      status.textContent = "Finding where you are…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        var lat = pos.coords.latitude.toFixed(5);
        var lon = pos.coords.longitude.toFixed(5);
        window.location.href = root + "/find?lat=" + lat + "&lon=" + lon;
      }, function () {
        status.textContent = "We could not find where you are. Please type your postcode instead.";
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }
})();
