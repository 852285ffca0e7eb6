// 简报 editor: the live preview, a member profile's title from its enterprise, a warning
// before leaving unsaved changes, the error summary taking focus, and publishing's progress
// (the page polls while it runs).  The pages work without this file (their buttons post
// the form; the progress page refreshes itself); the CSP forbids inline scripts.
"use strict";

// each item's fields post only that item's fields and section to /bulletins/preview (htmx
// would send the whole form otherwise); item-3-title → title
document.addEventListener("htmx:configRequest", (e) => {
  const box = e.detail.elt;
  if (!(box instanceof HTMLElement) || box.dataset.item === undefined) return;
  const prefix = `item-${box.dataset.item}-`;
  const params = { section: box.dataset.section };
  box.querySelectorAll("input, select, textarea").forEach((el) => {
    if (el.name && el.name.startsWith(prefix)) params[el.name.slice(prefix.length)] = el.value;
  });
  const extra = document.querySelector(`input[name="${prefix}extra"]`);
  if (extra) params.extra = extra.value;
  e.detail.parameters = params;
});

// a member profile's enterprise: its name becomes the title, unless the clerk wrote another
function nameOf(select) {
  const opt = select.options[select.selectedIndex];
  return opt ? opt.dataset.name || "" : "";
}
document.querySelectorAll("select[data-title-for]").forEach((s) => { s.dataset.was = nameOf(s); });
document.addEventListener("change", (e) => {
  const select = e.target.closest("select[data-title-for]");
  if (!select) return;
  const title = document.getElementById(select.dataset.titleFor);
  const name = nameOf(select);
  if (title && name && (title.value.trim() === "" || title.value === select.dataset.was)) {
    title.value = name;
  }
  select.dataset.was = name;
});

// unsaved changes: a mark beside the buttons, and the browser's warning before leaving
// (a save that kept some items back leaves them unsaved: the page says so from the start)
const editor = document.getElementById("editor");
if (editor) {
  let dirty = editor.dataset.unsaved === "true";
  const mark = editor.querySelector(".dirty-mark");
  const touched = () => { dirty = true; if (mark) mark.hidden = false; };
  editor.addEventListener("input", touched);
  editor.addEventListener("change", touched);
  editor.addEventListener("submit", () => { dirty = false; });
  window.addEventListener("beforeunload", (e) => { if (dirty) e.preventDefault(); });
}

// the error summary takes focus, so that a screen reader reads it and Tab reaches its links
const summary = document.getElementById("error-summary");
if (summary) summary.focus();

// publishing takes a while: say so, and do not publish twice
document.addEventListener("submit", (e) => {
  const form = e.target.closest("form[data-busy]");
  if (!form) return;
  const note = form.querySelector(".busy-text");
  if (note) { note.textContent = form.dataset.busy; note.hidden = false; }
  form.querySelectorAll("button").forEach((b) => { b.disabled = true; });
});

// publishing in the background: poll its progress, and show the result when it ends
const progress = document.querySelector("[data-poll][data-state=running]");
if (progress) {
  const poll = async () => {
    try {
      const r = await fetch(progress.dataset.poll, { headers: { Accept: "application/json" } });
      if (r.ok) {
        const p = await r.json();
        if (p.state !== "running") { window.location.reload(); return; }
        const secs = progress.querySelector(".seconds");
        if (secs) secs.textContent = p.seconds;
        const bar = progress.querySelector("progress");
        if (bar) bar.value = p.steps_done.length;
        progress.querySelectorAll("ol.steps li").forEach((li) => {
          const words = li.textContent.replace(/[ ✓…]+$/u, "");
          const done = p.steps_done.includes(words);
          li.className = done ? "done" : (words === p.step_zh ? "current" : "");
          li.textContent = words + (done ? " ✓" : (words === p.step_zh ? "……" : ""));
        });
      }
    } catch (err) { /* a dropped request: the next one tries again */ }
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 1000);
}
