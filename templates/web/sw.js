/* The phone edition's service worker: over http(s) it keeps every file of the site, so that
   the pages open with no network. Its list and version are written at build time: a data
   change gives a new version, which replaces the old copy. (From a folder, file://, browsers
   run no service worker: the pages are on the device already.) */
var VERSION = {{ version | tojson }};
var FILES = {{ files | tojson }};
self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(VERSION).then(function (cache) { return cache.addAll(FILES); })
    .then(function () { return self.skipWaiting(); }));
});
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== VERSION; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});
self.addEventListener("fetch", function (event) {
  event.respondWith(caches.match(event.request, { ignoreSearch: true }).then(function (kept) {
    return kept || fetch(event.request);
  }));
});
