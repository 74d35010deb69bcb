/* "Keep these places on my phone". Everything stays in this browser: nothing here talks to
   the server. The last results list is kept, as words, in localStorage ("safeplaces.kept")
   only while the box on the results page is ticked; the home page and the no-signal page
   show it as "Places you kept". Forgetting (and "Exit this page") is site.js's job, so that
   it works on every page. Without this script nothing is kept and nothing is shown. */
(function () {
  "use strict";

  var KEY = "safeplaces.kept";
  var MAX_PLACES = 60;
  var MAX_TEXT = 300;
  var ZONE = "Europe/London";
  var site = window.SafePlaces || {};

  function storage() {
    try { return window.localStorage || null; } catch (e) { return null; }
  }

  function text(value) {
    return typeof value === "string" ? value.slice(0, MAX_TEXT) : "";
  }

  // Only a tel: number reaches a link, whatever is in storage: the page's RFC 3966 form
  // ("+44-1629-533400", maybe ";ext=12") or the digits kept by an older page ("01629533400").
  // Anything else is no link: stripping it to its digits could dial an extension's digits
  // on the end of the number, or a stranger.
  var TEL = /^\+?[0-9]+(?:-[0-9]+)*(?:;ext=[0-9]{1,7})?$/;
  function dialable(tel) {
    var t = text(tel).replace(/^tel:/, "");
    return TEL.test(t) && t.replace(/;.*/, "").replace(/\D/g, "").length >= 3 ? t : "";
  }

  // What the results page gave, or what storage holds, as the words to show and nothing else.
  function clean(data) {
    if (!data || typeof data !== "object" || !Array.isArray(data.places)) { return null; }
    var places = data.places.slice(0, MAX_PLACES).filter(function (p) {
      return p && typeof p === "object" && text(p.name);
    }).map(function (p) {
      var phones = Array.isArray(p.phones) ? p.phones : [];
      return {
        number: text(p.number).slice(0, 3),
        name: text(p.name),
        what: text(p.what),
        // Only this site's own pictures, which the phone keeps for no signal.
        pic: /^\/static\/pictures\/[0-9A-F]+\.svg$/.test(text(p.pic)) ? p.pic : "",
        distance: text(p.distance),
        opening: text(p.opening),
        address: text(p.address),
        phones: phones.slice(0, 4).map(function (ph) {
          return { shown: text(ph && ph.shown), tel: dialable(ph && ph.tel) };
        }).filter(function (ph) { return ph.shown && ph.tel; })
      };
    });
    if (!places.length) { return null; }
    var found = typeof data.found === "number" && isFinite(data.found) ? data.found : Date.now();
    return { where: text(data.where), found: found, places: places };
  }

  function load() {
    var s = storage();
    if (!s) { return null; }
    try { return clean(JSON.parse(s.getItem(KEY) || "null")); } catch (e) { return null; }
  }

  function save(list) {
    var s = storage();
    if (!s || !list) { return false; }
    try { s.setItem(KEY, JSON.stringify(list)); return true; } catch (e) { return false; }
  }

  function forget() {
    if (site.forgetKeptPlaces) {
      site.forgetKeptPlaces();
    } else {
      var s = storage();
      if (s) { try { s.removeItem(KEY); } catch (e) { /* nothing kept */ } }
    }
  }

  function say(status, message) {
    // The same words again are still read out: change the text a little.
    if (message && status.textContent === message) { message += "\u00a0"; }
    status.textContent = message;
  }

  // ---- "Found at 14:05 near DE4 3AG", in London time ----

  function londonDay(ms) {
    return new Intl.DateTimeFormat("en-GB", {
      timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit"
    }).format(new Date(ms));
  }

  function foundWords(list) {
    var when = new Date(list.found);
    var time = new Intl.DateTimeFormat("en-GB", {
      timeZone: ZONE, hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).format(when);
    var day = "";
    if (londonDay(list.found) === londonDay(Date.now() - 86400000)) {
      day = " yesterday";
    } else if (londonDay(list.found) !== londonDay(Date.now())) {
      day = " on " + new Intl.DateTimeFormat("en-GB", {
        timeZone: ZONE, weekday: "long", day: "numeric", month: "long"
      }).format(when);
    }
    return "Found" + day + " at " + time + (list.where ? " near " + list.where : "") + ".";
  }

  // ---- The results page: the box ----

  var keep = document.querySelector("[data-keep]");
  var box = document.getElementById("keep-places");
  var words = keep && keep.querySelector("[data-keep-words]");
  if (keep && box && words) {
    var status = keep.querySelector("[data-keep-status]");
    var list = null;
    try { list = clean(JSON.parse(words.textContent)); } catch (e) { list = null; }
    var COULD_NOT = "This phone would not let us keep these places.";
    var shownAt = Date.now();  // when the person found them: when this page opened
    box.addEventListener("change", function () {
      if (box.checked) {
        list.found = shownAt;
        if (save(list)) {
          say(status, "These places are kept on this phone. With no signal, open this site to see them.");
        } else {
          box.checked = false;
          say(status, COULD_NOT);
        }
      } else {
        forget();
        say(status, "These places are not kept on this phone any more.");
      }
    });
    if (list) {
      // Ticked before: the choice stays, and this list replaces the one kept before.
      box.checked = load() !== null;
      if (box.checked) {
        list.found = shownAt;
        if (!save(list)) { box.checked = false; }
      }
      keep.hidden = false;
    }
  }

  // ---- The home page and the no-signal page: "Places you kept" ----

  var shelf = document.querySelector("[data-kept]");
  var item = document.querySelector("template[data-kept-place]");
  var phoneItem = document.querySelector("template[data-kept-phone]");
  if (!shelf || !item || !phoneItem || !item.content) { return; }
  var shelfStatus = document.querySelector("[data-kept-status]");

  function out(root, name, value) {
    var el = root.querySelector('[data-kept-out="' + name + '"]');
    if (el) { el.textContent = value; }
    var wrap = root.querySelector('[data-kept-wrap="' + name + '"]');
    if (wrap) { wrap.hidden = !value; }
  }

  function placeItem(place, index) {
    var li = item.content.firstElementChild.cloneNode(true);
    var heading = li.querySelector("h3");
    heading.id = "kept-place-" + index;
    li.querySelector("article").setAttribute("aria-labelledby", heading.id);
    out(li, "number", place.number);
    out(li, "number-said", place.number ? place.number + ": " : "");
    li.querySelector('[data-kept-out="number"]').hidden = !place.number;
    out(li, "name", place.name);
    out(li, "what", place.what);
    var pic = li.querySelector('[data-kept-out="pic"]');
    if (place.pic) { pic.setAttribute("src", place.pic); } else { pic.remove(); }
    out(li, "distance", place.distance);
    out(li, "opening", place.opening);
    out(li, "address", place.address);
    var phones = li.querySelector("[data-kept-phones]");
    place.phones.forEach(function (ph) {
      var row = phoneItem.content.firstElementChild.cloneNode(true);
      row.querySelector("a").setAttribute("href", "tel:" + ph.tel);
      out(row, "shown", ph.shown);
      out(row, "to", " (" + place.name + ")");
      phones.appendChild(row);
    });
    phones.hidden = place.phones.length === 0;
    return li;
  }

  // On the home page a link at the top says there are kept places (the list is below).
  var jump = document.querySelector("[data-kept-jump]");

  function show(list) {
    var ol = shelf.querySelector("[data-kept-list]");
    while (ol.firstChild) { ol.removeChild(ol.firstChild); }
    if (jump) { jump.hidden = !list; }
    if (!list) { shelf.hidden = true; return; }
    shelf.querySelector("[data-kept-found]").textContent = foundWords(list);
    list.places.forEach(function (place, i) { ol.appendChild(placeItem(place, i + 1)); });
    shelf.hidden = false;
  }

  shelf.querySelector("[data-kept-forget]").addEventListener("click", function () {
    forget();
    show(null);
    if (shelfStatus) {
      say(shelfStatus, "The places you kept have been forgotten. They are not on this phone any more.");
      shelfStatus.focus();  // the button has gone: the focus goes to what happened
    }
  });

  show(load());
})();
