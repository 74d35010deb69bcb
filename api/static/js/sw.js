/* The service worker: the help pages open with no signal. Served as /sw.js by the app, which
   fills in this deployment's cache name and the files to keep (see api/offline.py).

   Only pages that are the same for everyone are kept. A search, a place, the staff side and
   any address with a query string go to the network only and are never written to a cache:
   nothing a person typed or looked up stays on the phone. */
"use strict";

var CACHE = __CACHE_NAME__;
var PAGES = __PAGES__;
var KEPT = __KEPT__;
var OFFLINE = __OFFLINE__;
// The path the site is served under ("" at the root of its address).
var ROOT = __ROOT__;
// How long a page may take on a weak signal before the kept copy (or the no-signal page) is
// shown instead: a fetch that hangs must not leave a scared person looking at a blank screen.
var WAIT_MS = __WAIT_MS__;
// Caches this worker owns, one per deployment. Places a person keeps are in the page's own
// storage, never in these; any cache outside this prefix is personal, and goes at "forget".
var PREFIX = "safeplaces-help-";

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // Each file on its own: a missing picture must not stop the help being kept.
    return Promise.all(KEPT.map(function (path) {
      return fetch(path, { cache: "no-cache" }).then(function (response) {
        if (response.ok) { return cache.put(path, response); }
      }).catch(function () {});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

// A new deployment's worker deletes the old deployment's cache: no old numbers stay.
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PREFIX) === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// "Exit this page" and "Forget these places" (site.js): every cache that is not the help
// every visitor gets. The worker finishes it even when the page that asked has gone.
self.addEventListener("message", function (event) {
  if (event.data !== "forget") { return; }
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PREFIX) !== 0;
    }).map(function (name) { return caches.delete(name); }));
  }));
});

// The network first; after WAIT_MS without an answer, `fallback` answers instead. A kept page
// (`keep`) that arrives late still replaces its kept copy, ready for the next visit.
function networkFirst(event, keep, fallback) {
  var network = fetch(event.request);
  event.waitUntil(network.then(function (response) {
    if (keep && response.ok) {
      var copy = response.clone();
      return caches.open(CACHE).then(function (cache) { return cache.put(keep, copy); });
    }
  }).catch(function () {}));
  var slow = new Promise(function (resolve, reject) {
    setTimeout(function () { reject(new Error("no answer in time")); }, WAIT_MS);
  });
  event.respondWith(Promise.race([network, slow]).catch(fallback));
}

function isStaff(url) {
  return url.pathname === ROOT + "/staff" || url.pathname.indexOf(ROOT + "/staff/") === 0;
}

function isPrivate(url) {
  return url.search !== "" || isStaff(url);
}

function noSignal() {
  return caches.match(OFFLINE, { cacheName: CACHE });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (isStaff(url)) { return; }
  var kept = !isPrivate(url) && KEPT.indexOf(url.pathname) !== -1;
  if (kept && PAGES.indexOf(url.pathname) !== -1) {
    // Pages: the network first, so with signal the help is always the newest.
    networkFirst(event, url.pathname, function () {
      return caches.match(url.pathname, { cacheName: CACHE }).then(function (hit) {
        return hit || noSignal();
      });
    });
  } else if (kept) {
    // Styles, scripts and pictures change only with a deployment, which renames the cache.
    event.respondWith(caches.match(url.pathname, { cacheName: CACHE }).then(function (hit) {
      return hit || fetch(request);
    }));
  } else if (request.mode === "navigate") {
    // A search (or any other page) with no signal: how to get help, not a browser error.
    networkFirst(event, null, noSignal);
  }
});
