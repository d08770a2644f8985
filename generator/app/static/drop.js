// The Clients and Answers pages: returned files (PDFs, phone answers files) dropped anywhere on
// the form go into its file field, as if chosen with the button (the field alone takes a drop
// only on itself; elsewhere the browser would open the file in place of the page).
(function () {
  "use strict";
  var form = document.querySelector("[data-drop-zone]");
  if (!form) return;
  var input = form.querySelector('input[type="file"]');
  var names = form.querySelector("[data-drop-names]");
  function show() {
    names.textContent = Array.prototype.map.call(input.files, function (f) { return f.name; }).join(", ");
  }
  form.addEventListener("dragover", function (event) {
    event.preventDefault();
    form.classList.add("is-dropping");
  });
  form.addEventListener("dragleave", function () { form.classList.remove("is-dropping"); });
  form.addEventListener("drop", function (event) {
    event.preventDefault();
    form.classList.remove("is-dropping");
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      show();
    }
  });
  input.addEventListener("change", show);
})();
