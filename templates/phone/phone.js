/* A phone copy's script: keep the answers on the phone, read aloud, and send the answers locked
   to the practice's public key (the answers file format, version 1: docs/answers-file.md). */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var data = JSON.parse(document.getElementById("copy-data").textContent);
  var say = data.strings;
  var form = document.getElementById("answers");
  var status = document.getElementById("status");
  var storeKey = "handouts:answers:" + data.copy;
  var sizeKey = "handouts:text-size";
  var sizes = ["", "text-125", "text-150"];

  function byId(id) { return document.getElementById(id); }
  function on(id, event, handler) { var el = byId(id); if (el) { el.addEventListener(event, handler); } }
  function tell(text) { if (status) { status.textContent = text; } }

  function storage() {
    try { return window.localStorage; } catch (error) { return null; }
  }

  function controls() {
    return Array.prototype.slice.call(form.querySelectorAll("input[name], textarea[name]"));
  }

  function current() {
    var values = {};
    controls().forEach(function (el) {
      if (el.type === "checkbox") { values[el.name] = el.checked; }
      else if (el.type === "radio") {
        if (!(el.name in values)) { values[el.name] = null; }
        if (el.checked) { values[el.name] = el.value; }
      } else { values[el.name] = el.value; }
    });
    return values;
  }

  function save() {
    var store = storage();
    if (!store) { return; }
    try { store.setItem(storeKey, JSON.stringify(current())); } catch (error) { tell(say.not_saved); }
  }

  function restore() {
    var store = storage();
    var saved = null;
    try { saved = JSON.parse((store && store.getItem(storeKey)) || "null"); } catch (error) { saved = null; }
    if (!saved || typeof saved !== "object") { return; }
    controls().forEach(function (el) {
      if (!(el.name in saved)) { return; }
      var value = saved[el.name];
      if (el.type === "checkbox") { el.checked = value === true; }
      else if (el.type === "radio") { el.checked = el.value === value; }
      else if (typeof value === "string") { el.value = value; fit(el); }
    });
  }

  function fit(el) {
    if (el.tagName === "TEXTAREA") { el.style.height = "auto"; el.style.height = el.scrollHeight + 4 + "px"; }
  }

  function answers() {
    var values = current();
    var seen = {};
    var list = [];
    controls().forEach(function (el) {
      if (seen[el.name]) { return; }
      seen[el.name] = true;
      list.push({ field: el.name, question: el.getAttribute("data-q") || el.name, value: values[el.name] });
    });
    return list;
  }

  // --- sending: ECDH P-256 + HKDF-SHA-256 + AES-256-GCM, all by the browser's WebCrypto --------
  function text(bytes) { return new TextEncoder().encode(bytes); }
  function b64(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i += 1) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function unb64(textIn) {
    var binary = atob(textIn.replace(/-/g, "+").replace(/_/g, "/"));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) { bytes[i] = binary.charCodeAt(i); }
    return bytes;
  }

  async function seal(plain) {
    var subtle = window.crypto.subtle;
    var curve = { name: "ECDH", namedCurve: "P-256" };
    var practice = await subtle.importKey("spki", unb64(data.key), curve, false, []);
    var ephemeral = await subtle.generateKey(curve, true, ["deriveBits"]);
    var shared = await subtle.deriveBits({ name: "ECDH", public: practice }, ephemeral.privateKey, 256);
    var base = await subtle.importKey("raw", shared, "HKDF", false, ["deriveKey"]);
    var salt = window.crypto.getRandomValues(new Uint8Array(16));
    var nonce = window.crypto.getRandomValues(new Uint8Array(12));
    var aes = await subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt: salt, info: text("handouts-answers/1 aes-256-gcm") },
      base, { name: "AES-GCM", length: 256 }, false, ["encrypt"]);
    var aad = text("handouts-answers/1/" + data.fingerprint);
    var sealed = await subtle.encrypt({ name: "AES-GCM", iv: nonce, additionalData: aad }, aes, plain);
    var point = await subtle.exportKey("raw", ephemeral.publicKey);
    return JSON.stringify({
      format: "handouts-answers", version: 1, key: data.fingerprint,
      epk: b64(point), salt: b64(salt), nonce: b64(nonce), ciphertext: b64(sealed)
    });
  }

  function fileName(when) {
    // No module name: whoever glimpses the attachment learns nothing of what it is about.
    var stamp = when.replace(/[-:]/g, "").replace("T", "-").slice(0, 13);
    return "answers-" + stamp + ".txt";
  }

  function download(file) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(file);
    link.download = file.name;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  async function send() {
    if (!window.crypto || !window.crypto.subtle) { tell(say.no_crypto); return; }
    var when = new Date().toISOString();
    var payload = {
      module: data.module, title: data.title, language: data.language, copy: data.copy,
      sent: when, answers: answers()
    };
    var file;
    try {
      var sealed = await seal(text(JSON.stringify(payload)));
      file = new File([sealed], fileName(when), { type: "text/plain" });
    } catch (error) { tell(say.not_sealed); return; }
    if (navigator.canShare && navigator.canShare({ files: [file] })) {
      try { await navigator.share({ files: [file], title: say.share_title }); tell(say.shared); return; }
      catch (error) { if (error && error.name === "AbortError") { tell(""); return; } }
    }
    download(file);
    tell(say.downloaded);
  }

  // --- the tools ------------------------------------------------------------------------
  function clearAll() {
    if (!window.confirm(say.clear_confirm)) { return; }
    var store = storage();
    if (store) { store.removeItem(storeKey); }
    form.reset();
    controls().forEach(fit);
    tell(say.cleared);
  }

  function setSize(index) {
    sizes.forEach(function (name) { if (name) { root.classList.remove(name); } });
    if (sizes[index]) { root.classList.add(sizes[index]); }
    var button = byId("text-size");
    button.setAttribute("aria-pressed", index > 0 ? "true" : "false");
    var store = storage();
    if (store) { try { store.setItem(sizeKey, String(index)); } catch (error) { /* kept for now only */ } }
  }

  function nextSize() {
    var index = sizes.indexOf(sizes.filter(function (name) { return name && root.classList.contains(name); })[0] || "");
    setSize((index + 1) % sizes.length);
  }

  function speak(words, button) {
    var voice = window.speechSynthesis;
    if (voice.speaking) { voice.cancel(); if (button && button.getAttribute("aria-pressed") === "true") { button.setAttribute("aria-pressed", "false"); return; } }
    var utterance = new SpeechSynthesisUtterance(words);
    utterance.lang = data.language;
    if (button) {
      button.setAttribute("aria-pressed", "true");
      utterance.onend = function () { button.setAttribute("aria-pressed", "false"); };
    }
    voice.speak(utterance);
  }

  function readable(el) { return (el.innerText || el.textContent || "").replace(/\s+/g, " ").trim(); }

  function addReadButtons() {
    Array.prototype.slice.call(document.querySelectorAll(".component")).forEach(function (part) {
      var prompt = part.querySelector(".prompt, .instruction, legend, .key-points-label");
      if (!prompt) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "read-one";
      button.textContent = say.read_question;
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () { speak(readable(part), button); });
      prompt.parentNode.insertBefore(button, prompt.nextSibling);  // a legend stays first
    });
  }

  // On a homework site: keep each page opened once, for use offline (sw.js).
  if (data.site && "serviceWorker" in navigator && /^https?:$/.test(location.protocol)) {
    navigator.serviceWorker.register("sw.js").catch(function () { /* works online all the same */ });
  }
  if (!("speechSynthesis" in window)) { root.classList.add("no-speech"); } else { addReadButtons(); }
  var store = storage();
  var size = store ? parseInt(store.getItem(sizeKey) || "0", 10) : 0;
  if (size > 0 && size < sizes.length) { setSize(size); }
  restore();
  form.addEventListener("input", function (event) { fit(event.target); save(); });
  form.addEventListener("change", save);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  on("send", "click", send);
  on("clear", "click", clearAll);
  on("print", "click", function () { window.print(); });
  on("text-size", "click", nextSize);
  on("read-aloud", "click", function (event) { speak(readable(document.querySelector("main")), event.currentTarget); });
}());
