/* Service worker of field mode (scope /field/). SHELL and VERSION are prepended by the
   server (sanxiang.field.views.service_worker). The shell (page, CSS, JS, manifest) is
   cached at install; navigations go to the network first and fall back to the cached
   shell when offline; static shell files are served from the cache. API calls are never
   cached here: the page keeps its data (encrypted) in IndexedDB.

   Background Sync ("sync" event, tag SYNC_TAG, registered by the page when it queues an
   act): the queue is encrypted with a key only the page's code uses, and the page's login
   session is needed for the upload, so this worker does not upload anything itself. It
   asks the open field pages to sync (postMessage with a reply port); if one answers that
   nothing is left, done; if records are still pending the event fails so that the browser
   retries later; with no field page open (or on the browser's last retry) it shows a
   reminder notification, only if the officer granted notifications. */
"use strict";
var CACHE = "sanxiang-field-" + VERSION;
var SYNC_TAG = "sanxiang-field-sync";
var ASK_TIMEOUT = 120000;

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

function fieldClients() {
  return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
    return list.filter(function (c) { return c.url.indexOf(self.registration.scope) === 0; });
  });
}

function askToSync(client) {
  return new Promise(function (resolve) {
    var channel = new MessageChannel();
    var timer = setTimeout(function () { resolve(null); }, ASK_TIMEOUT);
    channel.port1.onmessage = function (event) { clearTimeout(timer); resolve(event.data || null); };
    client.postMessage({ type: "field-sync" }, [channel.port2]);
  });
}

/* How many queued records are not yet synced. Only the entries' state is readable here
   (their content is encrypted); never creates the database (the page owns its schema). */
function pendingInQueue() {
  return new Promise(function (resolve) {
    var req = indexedDB.open("sanxiang-field");
    req.onupgradeneeded = function () { req.transaction.abort(); };
    req.onerror = function () { resolve(0); };
    req.onsuccess = function () {
      var db = req.result;
      if (!db.objectStoreNames.contains("queue")) { db.close(); resolve(0); return; }
      var all = db.transaction("queue").objectStore("queue").getAll();
      all.onsuccess = function () {
        db.close();
        resolve((all.result || []).filter(function (e) {
          return e.state === "pending" || e.state === "uploading" || e.state === "error";
        }).length);
      };
      all.onerror = function () { db.close(); resolve(0); };
    };
  });
}

function remind() {
  if (!(self.Notification && self.Notification.permission === "granted")) { return Promise.resolve(); }
  return pendingInQueue().then(function (left) {
    if (!left) { return; }
    return self.registration.showNotification("移动执法", {
      body: "有待同步的现场记录，请打开移动执法完成同步",
      tag: SYNC_TAG,
      lang: "zh-CN",
      icon: SHELL[SHELL.length - 1]
    });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag !== SYNC_TAG) { return; }
  event.waitUntil(fieldClients().then(function (list) {
    if (!list.length) { return remind(); }
    return Promise.all(list.map(askToSync)).then(function (answers) {
      if (answers.some(function (a) { return a && a.left === 0; })) { return; }
      if (event.lastChance) { return remind(); }
      throw new Error("field records still pending");  // the browser retries later
    });
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  event.waitUntil(fieldClients().then(function (list) {
    if (list.length) { return list[0].focus(); }
    return self.clients.openWindow(SHELL[0]);
  }));
});
