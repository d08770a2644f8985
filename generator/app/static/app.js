// The app's small scripts: filter the gallery, a live preview that follows the form, and a
// roster run with progress. Every request goes to this app only, with the page's CSRF token.
"use strict";

const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

// The page's words in the app's language, handed over by the page itself (base.html).
const strings = JSON.parse(document.body.dataset.strings || "{}");
function say(key, values = {}) {
  return (strings[key] || key).replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));
}

function post(url, body) {
  return fetch(url, { method: "POST", body, headers: { "X-CSRF-Token": csrf() }, credentials: "same-origin" });
}

// The search itself is the app's (search.py): this sends what is typed and shows what it found,
// or the nearest topics when nothing matches.
function galleryFilter() {
  const form = document.querySelector("[data-gallery-filter]");
  if (!form) return;
  const cards = [...document.querySelectorAll(".gallery .card")];
  const count = document.querySelector("[data-gallery-count]");
  const suggest = document.querySelector("[data-gallery-suggest]");
  let timer = null, latest = 0;
  const apply = async () => {
    const ticket = ++latest;
    const found = await (await post(form.dataset.galleryFilter, new FormData(form))).json();
    if (ticket !== latest) return;
    const ids = new Set(found.ids);
    for (const card of cards) card.hidden = !ids.has(card.dataset.id);
    count.textContent = ids.size ? say("showing", { shown: ids.size, total: cards.length }) : say("no_match");
    suggest.hidden = !found.suggestions.length;
    suggest.replaceChildren(...(found.suggestions.length ? [document.createTextNode(say("nearest") + " ")] : []),
      ...found.suggestions.map(([key, name]) => {
        const button = Object.assign(document.createElement("button"), { type: "button", className: "secondary", textContent: name });
        button.addEventListener("click", () => { form.q.value = ""; form.topic.value = key; apply(); });
        return button;
      }));
  };
  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(apply, 150); });
  form.addEventListener("change", apply);
  form.addEventListener("submit", (event) => { event.preventDefault(); apply(); });
  apply();
}

function livePreview() {
  const form = document.querySelector("form[data-preview]");
  if (!form) return;
  const status = document.querySelector("[data-preview-status]");
  const pages = document.querySelector("[data-preview-pages]");
  const warnings = document.querySelector("[data-preview-warnings]");
  let timer = null, latest = 0;
  const picture = (src, page, count) => {
    const img = new Image();
    img.src = src;
    img.alt = say("page_of", { page, pages: count });
    return img;
  };
  const ask = async (part) => {
    const body = new FormData(form);
    body.set("part", part);
    return (await post(form.dataset.preview, body)).json();
  };
  let shown = null;
  const render = async () => {
    const incomplete = dateProblem(form);
    if (incomplete) {
      ++latest;
      shown = null;
      showFieldErrors(form, { date: incomplete });
      status.textContent = incomplete;
      return;
    }
    const asked = new URLSearchParams(new FormData(form)).toString();
    if (asked === shown) return;  // a "change" after the same "input": nothing new to show
    const ticket = ++latest;
    showFieldErrors(form, {});
    status.textContent = say("updating");
    const data = await ask("first");
    if (ticket !== latest) return;  // a newer change is on its way
    showFieldErrors(form, data.fields || {});
    if (data.error) { status.textContent = data.error; return; }
    warnings.replaceChildren(...(data.warnings || []).map((text) => Object.assign(
      document.createElement("p"), { className: "warning", textContent: text })));
    shown = asked;
    pages.replaceChildren(picture(data.pages[0], 1, data.count));
    status.textContent = say("pages", { count: data.count, name: data.name });
    if (data.count < 2) return;
    // Page 1 is on screen; the others follow once typing pauses, so that they never hold up
    // the next keystroke's page 1.
    await new Promise((resolve) => setTimeout(resolve, 400));
    if (ticket !== latest) return;
    const rest = await ask("rest");
    if (ticket !== latest || rest.error) return;
    pages.append(...rest.pages.map((src, i) => picture(src, i + 2, data.count)));
  };
  const later = () => { clearTimeout(timer); timer = setTimeout(render, 250); };
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.elements.date?.addEventListener("keyup", later);  // a part of a date changes no value
  form.addEventListener("submit", (event) => {
    const incomplete = dateProblem(form);
    if (!incomplete) return;
    event.preventDefault();
    showFieldErrors(form, { date: incomplete });
    status.textContent = incomplete;
    form.elements.date.focus();
  });
  todayButton(form);
  render();
}

// A date input half filled in (a day without its year) has no value: say so, rather than
// print no date or refuse the download without a word.
function dateProblem(form) {
  const date = form.elements.date;
  return date && date.validity && date.validity.badInput ? say("date_incomplete") : "";
}

function todayButton(form) {
  const button = form.querySelector("[data-today]");
  if (!button) return;
  button.addEventListener("click", () => {
    const now = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    form.elements.date.value = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
    form.elements.date.dispatchEvent(new Event("change", { bubbles: true }));
  });
}

function showFieldErrors(form, errors) {
  for (const old of form.querySelectorAll(".field-error[data-live]")) old.remove();
  for (const input of form.querySelectorAll("[aria-invalid][data-live-invalid]")) {
    input.removeAttribute("aria-invalid");
    if (input.getAttribute("aria-describedby") === `${input.name}-live-error`) input.removeAttribute("aria-describedby");
  }
  for (const [name, message] of Object.entries(errors)) {
    const input = form.elements[name];
    if (!input || !input.closest) continue;
    const note = document.createElement("p");
    note.className = "field-error";
    note.dataset.live = "";
    note.id = `${name}-live-error`;
    note.textContent = message;
    (input.closest(".field") || input.closest("fieldset") || form).append(note);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", note.id);
    input.dataset.liveInvalid = "";
  }
}

function packetDates() {
  const select = document.querySelector("#packet");
  if (!select) return;
  const show = () => {
    const sessions = Number(select.selectedOptions[0]?.dataset.sessions || 0) || 1;
    for (const field of document.querySelectorAll(".date-field")) {
      const on = Number(field.dataset.session) <= sessions;
      field.hidden = !on;
      field.querySelector("input").disabled = !on;
    }
  };
  select.addEventListener("change", show);
  show();
}

function rosterRun() {
  const button = document.querySelector("[data-build-roster]");
  if (!button) return;
  const form = button.form, panel = document.querySelector("[data-job]");
  // Progress and problems show right below the button, where the user is looking.
  const note = document.querySelector("[data-roster-note]");
  const bar = panel.querySelector("[data-job-progress]");
  const bad = panel.querySelector("[data-job-bad]");
  const files = panel.querySelector("[data-job-files]");
  const zip = panel.querySelector("[data-job-zip]");
  const cancel = panel.querySelector("[data-job-cancel]");
  let current = null;
  const tell = (text, problem = false, show = false) => {
    note.textContent = text;
    note.classList.toggle("error", problem);
    if (show || problem) note.scrollIntoView({ block: "nearest" });
  };
  button.addEventListener("click", async () => {
    current = null;
    files.replaceChildren();
    bad.replaceChildren();
    zip.querySelector("button").disabled = true;
    tell(say("starting"), false, true);
    const response = await post(form.dataset.roster, new FormData(form));
    const data = await response.json();
    if (data.error) { panel.hidden = true; tell(data.error, true); return; }
    current = data.job;
    panel.hidden = false;
    cancel.hidden = false;
    zip.action = `/jobs/${data.job}/zip`;
    follow(data.status, data.job);
  });
  cancel.addEventListener("click", async () => {
    const job = current;
    current = null;
    cancel.hidden = true;
    await post(`/jobs/${job}/cancel`, new FormData());
    tell(say("cancelled"));
  });
  // The app removes the packets once they were sent: when the job is gone, so is the list.
  const gone = async (job, tries = 120) => {
    const answer = await fetch(`/jobs/${job}`, { credentials: "same-origin" });
    if (answer.status !== 404) { if (tries > 0) setTimeout(() => gone(job, tries - 1), 500); return; }
    if (job !== current) return;
    files.replaceChildren();
    zip.querySelector("button").disabled = true;
    tell(say("sent"));
  };
  zip.addEventListener("submit", () => setTimeout(() => gone(current), 300));
  files.addEventListener("submit", () => setTimeout(() => gone(current, 6), 300));  // the last one?
  const follow = async (url, job) => {
    if (job !== current) return;
    const state = await (await fetch(url, { credentials: "same-origin" })).json();
    if (job !== current) return;
    bar.max = Math.max(state.total, 1);
    bar.value = state.done;
    if (state.state === "waiting" || state.state === "running") {
      tell(state.state === "waiting" ? say("waiting") : say("building", { done: state.done, total: state.total }));
      setTimeout(() => follow(url, job), 400);
      return;
    }
    cancel.hidden = true;
    if (state.state === "failed") { tell(state.error, true); return; }
    bar.value = bar.max;
    tell(state.bad.length
      ? say("built_bad", { count: state.written.length, bad: state.bad.length })
      : say("built", { count: state.written.length }), false, true);
    if (state.bad.length) {
      const list = document.createElement("ul");
      list.className = "bad";
      list.append(...state.bad.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
      bad.replaceChildren(Object.assign(document.createElement("h3"), { textContent: say("rows_not_built") }), list);
    }
    zip.querySelector("button").disabled = false;
    files.replaceChildren(...[...state.written, ...state.extra].map((name) => fileRow(job, name)));
    panel.scrollIntoView({ block: "nearest" });
  };
}

function fileRow(job, name) {
  const row = document.createElement("li");
  const form = document.createElement("form");
  form.method = "post";
  form.action = `/jobs/${job}/file`;
  form.innerHTML = '<input type="hidden" name="csrf"><input type="hidden" name="file"><button type="submit"></button> '
    + '<button type="submit" name="open" value="1" formtarget="_blank" class="secondary"></button>';
  const [download, open] = form.querySelectorAll("button");
  download.textContent = say("download");
  open.textContent = say("open");
  form.csrf.value = csrf();
  form.file.value = name;
  download.setAttribute("aria-label", say("download_name", { name }));
  open.setAttribute("aria-label", say("open_name", { name }));
  row.append(Object.assign(document.createElement("span"), { textContent: name }), form);
  return row;
}

// The Practice page: a colour picker that follows the typed colour and types what is picked
// (the typed colour is what is sent), and the list of problems after a save that failed, which
// takes the focus and leads each link to its field.
function colourPicker() {
  const picker = document.querySelector("[data-colour-picker]");
  if (!picker) return;
  const text = document.getElementById(picker.dataset.colourPicker);
  const hex = /^#[0-9a-f]{6}$/i;
  const follow = () => { if (hex.test(text.value.trim())) picker.value = text.value.trim().toLowerCase(); };
  picker.hidden = false;
  follow();
  text.addEventListener("input", follow);
  picker.addEventListener("input", () => { text.value = picker.value; });
}

function errorSummary() {
  const summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  if (document.activeElement !== summary) summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const input = link && document.getElementById(link.hash.slice(1));
    if (!input) return;
    event.preventDefault();
    (input.closest(".field") || input).scrollIntoView({ block: "start" });
    input.focus({ preventScroll: true });
  });
}

// A packet takes a few seconds to build: its button says so, and the PDF arrives by itself.
// (On a problem the form is sent again the usual way, and the page shows what is wrong.)
function packetDownload() {
  const form = document.querySelector(".packet-form");
  if (!form) return;
  const button = form.querySelector("[data-busy]");
  form.addEventListener("submit", async (event) => {
    if (event.submitter !== button || button.disabled) return;
    event.preventDefault();
    const label = button.textContent;
    button.disabled = true;
    button.textContent = button.dataset.busy;
    try {
      const response = await post(form.action, new FormData(form));
      if (!response.ok) { form.submit(); return; }
      const link = Object.assign(document.createElement("a"), {
        href: URL.createObjectURL(await response.blob()), download: fileName(response, "packet.pdf"),
      });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  });
}

// The file name a download is sent with (RFC 6266: filename*, else filename).
function fileName(response, fallback) {
  const given = response.headers.get("Content-Disposition") || "";
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(given);
  if (encoded) return decodeURIComponent(encoded[1]);
  const plain = /filename="([^"]+)"/.exec(given);
  return plain ? plain[1] : fallback;
}

document.addEventListener("DOMContentLoaded", () => {
  galleryFilter();
  livePreview();
  packetDates();
  rosterRun();
  colourPicker();
  errorSummary();
  packetDownload();
});
