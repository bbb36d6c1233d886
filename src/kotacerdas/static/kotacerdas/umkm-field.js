/* KotaCerdas — the offline registration form of field enumerators.
   Every entry is queued on this device (IndexedDB, with a key made here)
   and sent from the queue: at once when online, on "Kirim sekarang", and
   when the signal comes back. The server saves an entry once per key and
   answers saved / refused (field messages) / conflict (possible duplicate).
   A saved entry is removed from the device; refused and conflicting ones
   stay until fixed or discarded. An entry not sent within the page's
   data-stale-days is marked, with a warning above the queue and a way to
   discard it: unsent entries hold personal data, and the server recognises
   a resent key only for a limited time (docs/registry.md). Nothing unsent
   is dropped without the enumerator. Texts come translated from the page. */
(function () {
  "use strict";
  const app = document.getElementById("field-app");
  if (!app) return;
  const texts = JSON.parse(document.getElementById("field-texts").textContent);
  const form = document.getElementById("field-form");
  const countEl = document.getElementById("field-count");
  const networkEl = document.getElementById("field-network");
  const resultsEl = document.getElementById("field-results");
  const syncButton = document.getElementById("field-sync");
  const editingEl = document.getElementById("field-editing");
  const staleEl = document.getElementById("field-stale");
  const staleDays = Number(app.dataset.staleDays || 0);
  const notice = document.createElement("p");
  notice.className = "field-notice";
  notice.setAttribute("data-testid", "field-notice");
  syncButton.after(notice);
  const done = []; // entries saved in this visit: their names only, never personal data
  let editingKey = null;
  let editingCreated = null; // a fixed entry keeps its age
  let syncing = false;

  const fmt = (text, values) => text.replace(/%\((\w+)\)s/g, (_m, name) => String(values[name]));

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // --- The queue (IndexedDB, one database per region and user) -------------------------
  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(app.dataset.store, 1);
      request.onupgradeneeded = () => request.result.createObjectStore("entries", { keyPath: "key" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  function withStore(mode, action) {
    return openDb().then(
      (db) =>
        new Promise((resolve, reject) => {
          const transaction = db.transaction("entries", mode);
          const request = action(transaction.objectStore("entries"));
          transaction.oncomplete = () => { db.close(); resolve(request.result); };
          transaction.onerror = () => { db.close(); reject(transaction.error); };
        })
    );
  }
  const allEntries = () =>
    withStore("readonly", (s) => s.getAll()).then((list) => list.sort((a, b) => a.created - b.created));
  const putEntry = (entry) => withStore("readwrite", (s) => s.put(entry));
  const removeEntry = (key) => withStore("readwrite", (s) => s.delete(key));

  // --- Showing the queue ---------------------------------------------------------------
  const isStale = (entry) =>
    staleDays > 0 && typeof entry.created === "number" && Date.now() - entry.created > staleDays * 86400000;

  function button(label, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-quiet";
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  function item(entry) {
    const li = document.createElement("li");
    li.className = `field-entry field-${entry.state}`;
    li.setAttribute("data-testid", "field-entry");
    li.dataset.state = entry.state;
    const head = document.createElement("p");
    const name = document.createElement("strong");
    name.textContent = entry.name || "—";
    const state = document.createElement("span");
    state.className = "field-state";
    state.textContent = texts[entry.state === "waiting" ? "waiting_one" : entry.state];
    head.append(name, " · ", state);
    const stale = isStale(entry);
    if (stale) {
      li.dataset.stale = "yes";
      const age = document.createElement("span");
      age.className = "field-age";
      age.textContent = fmt(texts.stale_one, { days: staleDays });
      head.append(" · ", age);
    }
    li.append(head);
    if (entry.url) {
      const link = document.createElement("a");
      link.href = entry.url;
      link.textContent = texts.open;
      li.append(link);
    }
    const result = entry.result;
    if (result) {
      const message = document.createElement("p");
      message.textContent = result.message;
      li.append(message);
      const list = document.createElement("ul");
      for (const error of result.errors || []) {
        const line = document.createElement("li");
        line.textContent = `${error.label ? error.label + ": " : ""}${error.messages.join(" ")}`;
        list.append(line);
      }
      for (const other of result.existing || []) {
        const line = document.createElement("li");
        const link = document.createElement("a");
        link.href = other.url;
        link.textContent = other.name;
        line.append(link);
        list.append(line);
      }
      if (list.children.length) li.append(list);
      const actions = document.createElement("p");
      actions.className = "field-actions";
      if (result.can_confirm) {
        actions.append(button(texts.same_owner, () => confirmSameOwner(entry)));
      }
      actions.append(button(texts.fix, () => edit(entry)));
      actions.append(button(texts.discard, () => discard(entry)));
      li.append(actions);
    } else if (stale) {
      const actions = document.createElement("p");
      actions.className = "field-actions";
      actions.append(button(texts.discard, () => discard(entry)));
      li.append(actions);
    }
    return li;
  }

  async function render() {
    const entries = await allEntries();
    const waiting = entries.filter((e) => e.state === "waiting").length;
    countEl.textContent = waiting ? fmt(texts.waiting, { n: waiting }) : texts.waiting_none;
    resultsEl.replaceChildren(...done.map(item), ...entries.map(item));
    const stale = entries.filter(isStale).length;
    staleEl.textContent = stale ? fmt(texts.stale, { n: stale, days: staleDays }) : "";
    staleEl.hidden = !stale;
    networkEl.textContent = navigator.onLine ? texts.online : texts.offline;
    networkEl.dataset.online = navigator.onLine ? "yes" : "no";
  }

  // --- Entries -------------------------------------------------------------------------
  function markInvalid(names) {
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    for (const name of names) {
      const el = form.elements[name];
      if (el && el.setAttribute) el.setAttribute("aria-invalid", "true");
    }
  }

  function edit(entry) {
    form.reset();
    for (const [name, value] of entry.fields) {
      const el = form.elements[name];
      if (el && "value" in el) el.value = value;
    }
    editingKey = entry.key;
    editingCreated = entry.created;
    editingEl.textContent = texts.editing;
    editingEl.hidden = false;
    const invalid = ((entry.result && entry.result.errors) || []).map((e) => e.field);
    markInvalid(invalid);
    const first = form.elements[invalid[0]] || form.elements.name;
    if (first && first.focus) first.focus();
  }

  async function discard(entry) {
    if (!window.confirm(texts.discard_confirm)) return;
    await removeEntry(entry.key);
    if (editingKey === entry.key) {
      editingKey = null;
      editingEl.hidden = true;
    }
    await render();
  }

  async function confirmSameOwner(entry) {
    entry.state = "waiting";
    entry.result = null;
    entry.sameOwner = true;
    await putEntry(entry);
    await render();
    sync();
  }

  async function queue(event) {
    event.preventDefault();
    if (!form.reportValidity()) return;
    const fields = [];
    for (const [name, value] of new FormData(form).entries()) {
      if (name !== "csrfmiddlewaretoken") fields.push([name, String(value)]);
    }
    const entry = {
      key: editingKey || newKey(),
      created: (editingKey && editingCreated) || Date.now(),
      name: String(new FormData(form).get("name") || ""),
      fields,
      state: "waiting",
      result: null,
      sameOwner: false,
    };
    await putEntry(entry);
    editingKey = null;
    editingCreated = null;
    editingEl.hidden = true;
    form.reset();
    markInvalid([]);
    notice.textContent = texts.queued;
    await render();
    form.elements.name.focus();
    if (navigator.onLine) sync();
  }

  // --- Sending -------------------------------------------------------------------------
  const isJson = (response) => (response.headers.get("content-type") || "").includes("application/json");

  async function sync() {
    if (syncing) return;
    const entries = (await allEntries()).filter((e) => e.state === "waiting");
    if (!entries.length) return;
    syncing = true;
    syncButton.disabled = true;
    notice.textContent = texts.sending;
    try {
      let token;
      try {
        const response = await fetch(app.dataset.token, {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
          cache: "no-store",
        });
        if (!response.ok || !isJson(response)) {
          notice.textContent = texts.signed_out;
          return;
        }
        token = (await response.json()).csrf;
      } catch (_error) {
        notice.textContent = texts.no_signal;
        return;
      }
      notice.textContent = "";
      for (const entry of entries) {
        const body = new URLSearchParams(entry.fields);
        body.set("key", entry.key);
        if (entry.sameOwner) body.set("same_owner", "1");
        let response;
        try {
          response = await fetch(app.dataset.submit, {
            method: "POST",
            credentials: "same-origin",
            headers: { "X-CSRFToken": token, Accept: "application/json" },
            body,
          });
        } catch (_error) {
          notice.textContent = texts.no_signal;
          break;
        }
        if (!isJson(response)) {
          notice.textContent = response.redirected
            ? texts.signed_out
            : fmt(texts.server_error, { status: response.status });
          break;
        }
        const answer = await response.json();
        if (answer.status === "saved" || answer.status === "already_saved") {
          await removeEntry(entry.key); // personal data leaves the device once saved
          done.unshift({ key: entry.key, name: answer.name || entry.name, state: answer.status, url: answer.url });
        } else {
          entry.state = answer.status;
          entry.result = answer;
          entry.sameOwner = false;
          await putEntry(entry);
        }
      }
    } finally {
      syncing = false;
      syncButton.disabled = false;
      await render();
    }
  }

  // --- Start ---------------------------------------------------------------------------
  // A page kept on this device for another user, or for one who signed out
  // (the sign-out removes the cookie), opens no queue: it is not theirs.
  const signedIn = document.cookie
    .split("; ")
    .some((c) => c === `${app.dataset.cookie}=${app.dataset.user}`);
  if (!signedIn) {
    notice.textContent = texts.not_yours;
    notice.setAttribute("role", "alert");
    form.hidden = true;
    syncButton.hidden = true;
    return;
  }
  if (!window.indexedDB) {
    notice.textContent = texts.no_storage;
    syncButton.hidden = true;
    return; // the form posts to the officer's page as it would without a script
  }
  form.addEventListener("submit", queue);
  syncButton.addEventListener("click", sync);
  window.addEventListener("online", () => { render(); sync(); });
  window.addEventListener("offline", render);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker
      .register(app.dataset.worker, { scope: app.dataset.scope })
      .then(() => { app.dataset.workerReady = "yes"; })
      .catch(() => { /* the form still works online; nothing to show */ });
  }
  render().then(() => { if (navigator.onLine) sync(); });
})();
