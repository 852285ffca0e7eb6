// 简报 editor: the live preview, the enterprise of a member profile, a warning before
// leaving unsaved changes, and a busy note while an issue is published.  The page works
// without this file (its buttons post the form); the CSP forbids inline scripts.
"use strict";

// each item's textarea posts only its own text and section to /bulletins/preview (htmx
// would send the whole form otherwise)
document.addEventListener("htmx:configRequest", (e) => {
  const el = e.detail.elt;
  if (!(el instanceof HTMLTextAreaElement) || el.dataset.section === undefined) return;
  e.detail.parameters = { markdown: el.value, section: el.dataset.section };
});

// a member profile's enterprise: write its credit code into the front matter
function withEnterprise(text, code) {
  const line = code ? `enterprise_id: ${code}` : "enterprise_id:";
  const lines = text.split("\n");
  const end = lines[0] && lines[0].trim() === "---" ? lines.findIndex((l, i) => i > 0 && l.trim() === "---") : -1;
  if (end < 0) return ["---", line, "---", ...lines].join("\n");
  const at = lines.findIndex((l, i) => i > 0 && i < end && /^enterprise_id\s*:/.test(l));
  if (at > 0) lines[at] = line; else lines.splice(end, 0, line);
  return lines.join("\n");
}

document.addEventListener("change", (e) => {
  const select = e.target.closest("select[data-ent-for]");
  if (!select) return;
  const area = document.getElementById(select.dataset.entFor);
  area.value = withEnterprise(area.value, select.value);
  // the text now says the same: it is what the server reads (see bulletin_form.py)
  document.getElementById(select.dataset.ent0).value = select.value;
  area.dispatchEvent(new Event("change", { bubbles: true }));
});

// unsaved changes: a mark beside the buttons, and the browser's warning before leaving
const editor = document.getElementById("editor");
if (editor) {
  let dirty = false;
  const mark = editor.querySelector(".dirty-mark");
  editor.addEventListener("input", () => { dirty = true; if (mark) mark.hidden = false; });
  editor.addEventListener("submit", () => { dirty = false; });
  window.addEventListener("beforeunload", (e) => { if (dirty) e.preventDefault(); });
}

// publishing takes a few seconds (PDF): say so, and do not publish twice
document.addEventListener("submit", (e) => {
  const form = e.target.closest("form[data-busy]");
  if (!form) return;
  const note = form.querySelector(".busy-text");
  if (note) { note.textContent = form.dataset.busy; note.hidden = false; }
  form.querySelectorAll("button").forEach((b) => { b.disabled = true; });
});
