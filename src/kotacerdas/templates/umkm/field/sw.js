{% autoescape off %}/* KotaCerdas: the service worker of the offline registration form.
   Keeps the form page and its assets; answers the page from the network
   when there is one, else from what it kept. Entries are not kept here:
   the page queues them in IndexedDB and sends them itself.
   One cache per region and user (an opaque key): a page kept for one user
   is never answered to another, and never one of a signed-out user. */
const PREFIX = "{{ prefix }}";
const USER = "{{ user }}";
const CACHE = `${PREFIX}${USER}-{{ version }}`;
const PRECACHE = {{ precache }};
const PAGE = {{ page }};
const STATIC = {{ static_prefix }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((names) =>
      Promise.all(
        // This region's older caches (another release, another user) only.
        names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n))
      )
    ).then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === PAGE) {
    // Network first: a fresh form (new kelurahan list, new release) when
    // online; the kept one when not. Kept only when made for this worker's
    // user; a redirect (signed out) or another user's page drops the kept one.
    event.respondWith(
      fetch(request)
        .then((response) => {
          const mine = response.headers.get("X-KotaCerdas-Device-User") === USER;
          if (response.ok && !response.redirected && mine) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(PAGE, copy));
          } else {
            caches.open(CACHE).then((cache) => cache.delete(PAGE));
          }
          return response;
        })
        .catch(() =>
          caches.open(CACHE).then((cache) => cache.match(PAGE)).then((kept) => kept || Response.error())
        )
    );
    return;
  }
  if (PRECACHE.includes(url.pathname) || url.pathname.startsWith(STATIC)) {
    // Static files: kept ones first; any other the page loads (an asset
    // added to base.html later) is kept the first time it is fetched.
    event.respondWith(
      caches.open(CACHE).then((cache) => cache.match(url.pathname)).then(
        (kept) =>
          kept ||
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
            }
            return response;
          })
      )
    );
  }
});
{% endautoescape %}
