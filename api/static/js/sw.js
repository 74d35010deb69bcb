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
// Caches this worker owns, one per deployment; a cache of kept places would have a name of
// its own, outside this prefix, so a new deployment's clean-up leaves it alone.
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

function isPrivate(url) {
  return url.search !== "" || url.pathname === "/staff" || url.pathname.indexOf("/staff/") === 0;
}

function noSignal() {
  return caches.match(OFFLINE, { cacheName: CACHE });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (url.pathname === "/staff" || url.pathname.indexOf("/staff/") === 0) { return; }
  var kept = !isPrivate(url) && KEPT.indexOf(url.pathname) !== -1;
  if (kept && PAGES.indexOf(url.pathname) !== -1) {
    // Pages: the network first, so with signal the help is always the newest.
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(url.pathname, { cacheName: CACHE }).then(function (hit) {
        return hit || noSignal();
      });
    }));
  } else if (kept) {
    // Styles, scripts and pictures change only with a deployment, which renames the cache.
    event.respondWith(caches.match(url.pathname, { cacheName: CACHE }).then(function (hit) {
      return hit || fetch(request);
    }));
  } else if (request.mode === "navigate") {
    // A search (or any other page) with no signal: how to get help, not a browser error.
    event.respondWith(fetch(request).catch(noSignal));
  }
});
