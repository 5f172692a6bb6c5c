// Small behaviours the pages share. No inline scripts anywhere: the CSP allows only this origin.
(function () {
  "use strict";

  const TOAST_MS = 7000;

  function addToast(level, text) {
    const box = document.getElementById("toasts");
    if (!box) return;
    const toast = document.createElement("div");
    toast.className = "toast toast-" + (level || "info");
    toast.textContent = text;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "×";
    toast.appendChild(close);
    box.appendChild(toast);
    scheduleRemoval(toast);
  }

  function scheduleRemoval(toast) {
    // Errors stay until dismissed; the rest fade after a while.
    if (toast.classList.contains("toast-error")) return;
    setTimeout(function () { toast.remove(); }, TOAST_MS);
  }

  // Messages handed over by the server on htmx responses (HX-Trigger: {"portal:messages": [...]}).
  document.body.addEventListener("portal:messages", function (event) {
    (event.detail.value || []).forEach(function (m) { addToast(m.level, m.text); });
  });

  // A failed htmx request should never fail silently.
  document.body.addEventListener("htmx:responseError", function (event) {
    const status = event.detail.xhr.status;
    const text = status === 403 ? "You don't have permission to do that."
      : status === 429 ? "Too many attempts. Wait a moment and try again."
      : status >= 500 ? "The portal hit an error. It has been logged; try again in a moment."
      : "The request failed (" + status + ").";
    addToast("error", text);
  });
  document.body.addEventListener("htmx:sendError", function () {
    addToast("error", "The portal could not be reached. Check your connection and try again.");
  });

  document.addEventListener("click", function (event) {
    const close = event.target.closest(".toast-close");
    if (close) { close.parentElement.remove(); return; }

    const navButton = event.target.closest(".nav-button");
    if (navButton) {
      const nav = document.getElementById(navButton.getAttribute("aria-controls"));
      const open = nav.classList.toggle("open");
      navButton.setAttribute("aria-expanded", open ? "true" : "false");
      return;
    }

    // <button data-copy-target="#id"> copies that element's text.
    const copy = event.target.closest("[data-copy-target]");
    if (copy) {
      const source = document.querySelector(copy.getAttribute("data-copy-target"));
      if (!source) return;
      const text = source.value !== undefined ? source.value : source.textContent;
      const done = function () {
        copy.setAttribute("data-copied", "true");
        addToast("success", copy.getAttribute("data-copied-message") || "Copied to the clipboard.");
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text.trim()).then(done, function () { fallbackCopy(source, done); });
      } else {
        fallbackCopy(source, done);
      }
    }
  });

  function fallbackCopy(source, done) {
    const area = document.createElement("textarea");
    area.value = (source.value !== undefined ? source.value : source.textContent).trim();
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); done(); } finally { area.remove(); }
  }

  // After a failed submit the first field with an error (or the form's own error) takes the
  // focus, so a keyboard or screen-reader user lands on what to fix.
  function focusFirstError(root) {
    const field = root.querySelector("[aria-invalid='true']");
    const target = field || root.querySelector(".errorlist.nonfield");
    if (!target) return;
    if (!field) target.setAttribute("tabindex", "-1");
    target.focus();
  }
  focusFirstError(document);
  document.body.addEventListener("htmx:afterSwap", function (event) { focusFirstError(event.detail.target); });

  // Server-rendered toasts (full page loads) fade like the others.
  document.querySelectorAll("#toasts .toast").forEach(scheduleRemoval);
})();
