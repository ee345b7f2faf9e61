/* Service worker of field mode (scope /field/). SHELL and VERSION are prepended by the
   server (sanxiang.field.views.service_worker). The shell (page, CSS, JS, manifest) is
   cached at install; navigations go to the network first and fall back to the cached
   shell when offline; static shell files are served from the cache. API calls are never
   cached here: the page keeps its data (encrypted) in IndexedDB. */
"use strict";
var CACHE = "sanxiang-field-" + VERSION;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(SHELL.map(function (u) { return new Request(u, { credentials: "same-origin" }); }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) {
        return k.indexOf("sanxiang-field-") === 0 && k !== CACHE;
      }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") { return; }
  var url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) { return; }
  if (req.mode === "navigate") {
    event.respondWith(
      fetch(req).then(function (resp) {
        if (resp.ok && !resp.redirected && url.pathname === SHELL[0]) {
          var copy = resp.clone();
          caches.open(CACHE).then(function (c) { c.put(SHELL[0], copy); });
        }
        return resp;
      }).catch(function () {
        return caches.match(SHELL[0]);
      })
    );
    return;
  }
  if (SHELL.indexOf(url.pathname) !== -1) {
    event.respondWith(
      caches.match(req, { ignoreSearch: true }).then(function (hit) { return hit || fetch(req); })
    );
  }
});

self.addEventListener("message", function (event) {
  if (event.data === "wipe") {
    event.waitUntil(caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.indexOf("sanxiang-field-") === 0; })
        .map(function (k) { return caches.delete(k); }));
    }));
  }
});
