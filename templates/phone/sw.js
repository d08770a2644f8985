/* The homework site's service worker: each page is fetched fresh when there is a network and
   kept, so that every page opened once also opens offline. Nothing is sent anywhere. */
"use strict";
var CACHE = "handouts-site-VERSION";
var FIRST = ["./", "index.html", "manifest.webmanifest"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(FIRST); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  if (event.request.method !== "GET" || new URL(event.request.url).origin !== location.origin) { return; }
  event.respondWith(caches.open(CACHE).then(function (cache) {
    return fetch(event.request).then(function (fresh) {
      if (fresh.ok) { cache.put(event.request, fresh.clone()); }
      return fresh;
    }).catch(function () {
      return cache.match(event.request, { ignoreSearch: true }).then(function (kept) {
        return kept || Response.error();
      });
    });
  }));
});
