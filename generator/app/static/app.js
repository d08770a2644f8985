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
  const status = panel.querySelector("[data-job-status]");
  const bar = panel.querySelector("[data-job-progress]");
  const bad = panel.querySelector("[data-job-bad]");
  const files = panel.querySelector("[data-job-files]");
  const zip = panel.querySelector("[data-job-zip]");
  button.addEventListener("click", async () => {
    panel.hidden = false;
    files.replaceChildren();
    bad.replaceChildren();
    zip.querySelector("button").disabled = true;
    status.textContent = say("starting");
    const response = await post(form.dataset.roster, new FormData(form));
    const data = await response.json();
    if (data.error) { status.textContent = data.error; return; }
    zip.action = `/jobs/${data.job}/zip`;
    follow(data.status, data.job);
  });
  const follow = async (url, job) => {
    const state = await (await fetch(url, { credentials: "same-origin" })).json();
    bar.max = Math.max(state.total, 1);
    bar.value = state.done;
    if (state.state === "running") {
      status.textContent = say("building", { done: state.done, total: state.total });
      setTimeout(() => follow(url, job), 400);
      return;
    }
    if (state.state === "failed") { status.textContent = state.error; return; }
    bar.value = bar.max;
    status.textContent = state.bad.length
      ? say("built_bad", { count: state.written.length, bad: state.bad.length })
      : say("built", { count: state.written.length });
    if (state.bad.length) {
      const list = document.createElement("ul");
      list.className = "bad";
      list.append(...state.bad.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
      bad.replaceChildren(Object.assign(document.createElement("h3"), { textContent: say("rows_not_built") }), list);
    }
    zip.querySelector("button").disabled = false;
    files.replaceChildren(...[...state.written, ...state.extra].map((name) => fileRow(job, name)));
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
});
