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

function galleryFilter() {
  const form = document.querySelector("[data-gallery-filter]");
  if (!form) return;
  const cards = [...document.querySelectorAll(".gallery .card")];
  const count = document.querySelector("[data-gallery-count]");
  const apply = () => {
    const words = form.q.value.toLowerCase().split(/\s+/).filter(Boolean);
    const topic = form.topic.value, kind = form.kind.value;
    let shown = 0;
    for (const card of cards) {
      const ok = words.every((w) => card.dataset.text.includes(w))
        && (!topic || card.dataset.topics.split(" ").includes(topic))
        && (!kind || card.dataset.kind === kind);
      card.hidden = !ok;
      shown += ok;
    }
    count.textContent = say("showing", { shown, total: cards.length });
  };
  form.addEventListener("input", apply);
  form.addEventListener("submit", (event) => { event.preventDefault(); apply(); });
  apply();
}

function livePreview() {
  const form = document.querySelector("form[data-preview]");
  if (!form) return;
  const status = document.querySelector("[data-preview-status]");
  const pages = document.querySelector("[data-preview-pages]");
  let timer = null, latest = 0;
  const render = async () => {
    const ticket = ++latest;
    status.textContent = say("updating");
    const response = await post(form.dataset.preview, new FormData(form));
    const data = await response.json();
    if (ticket !== latest) return;  // a newer change is on its way
    showFieldErrors(form, data.fields || {});
    if (data.error) { status.textContent = data.error; return; }
    pages.replaceChildren(...data.pages.map((src, i) => {
      const img = new Image();
      img.src = src;
      img.alt = say("page_of", { page: i + 1, pages: data.pages.length });
      return img;
    }));
    status.textContent = say("pages", { count: data.pages.length, name: data.name });
  };
  const later = () => { clearTimeout(timer); timer = setTimeout(render, 350); };
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  render();
}

function showFieldErrors(form, errors) {
  for (const old of form.querySelectorAll(".field-error[data-live]")) old.remove();
  for (const input of form.querySelectorAll("[aria-invalid][data-live-invalid]")) {
    input.removeAttribute("aria-invalid");
  }
  for (const [name, message] of Object.entries(errors)) {
    const input = form.elements[name];
    if (!input || !input.closest) continue;
    const note = document.createElement("p");
    note.className = "field-error";
    note.dataset.live = "";
    note.id = `${name}-live-error`;
    note.textContent = message;
    input.closest(".field").append(note);
    input.setAttribute("aria-invalid", "true");
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
  form.innerHTML = '<input type="hidden" name="csrf"><input type="hidden" name="file"><button type="submit"></button>';
  form.querySelector("button").textContent = say("download");
  form.csrf.value = csrf();
  form.file.value = name;
  form.querySelector("button").setAttribute("aria-label", say("download_name", { name }));
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

// The language switch takes effect as soon as a language is chosen (the button is there for
// keyboards and for browsers without scripts).
function languageSwitch() {
  const select = document.querySelector("[data-language-switch]");
  if (!select) return;
  select.addEventListener("change", () => select.form.submit());
}

document.addEventListener("DOMContentLoaded", () => {
  languageSwitch();
  galleryFilter();
  livePreview();
  packetDates();
  rosterRun();
  colourPicker();
  errorSummary();
  packetDownload();
});
