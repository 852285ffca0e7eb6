// 数贸 portal: small enhancements over pages that work without JavaScript.
// (The Content-Security-Policy allows scripts from this site only: no inline handlers.)
"use strict";

function csrfToken() {
  const field = document.querySelector('input[name="csrf_token"]');
  return field ? field.value : "";
}

// htmx requests carry the CSRF token as the X-CSRF-Token header (web.md)
document.addEventListener("htmx:configRequest", (e) => {
  e.detail.headers["X-CSRF-Token"] = csrfToken();
});

// a button with data-copy="ID" copies that element's text
document.addEventListener("click", async (e) => {
  const button = e.target.closest("[data-copy]");
  if (!button) return;
  const text = document.getElementById(button.dataset.copy).innerText;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const range = document.createRange();
    range.selectNodeContents(document.getElementById(button.dataset.copy));
    const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
    document.execCommand("copy");
  }
  const old = button.textContent;
  button.textContent = "已复制";
  setTimeout(() => { button.textContent = old; }, 1500);
});

// tables with class "sortable": click a header to sort (numbers as numbers)
document.addEventListener("click", (e) => {
  const th = e.target.closest("table.sortable th");
  if (!th) return;
  const table = th.closest("table"), body = table.tBodies[0];
  const i = Array.from(th.parentNode.children).indexOf(th);
  const asc = th.getAttribute("aria-sort") !== "ascending";
  table.querySelectorAll("th").forEach((h) => h.setAttribute("aria-sort", "none"));
  th.setAttribute("aria-sort", asc ? "ascending" : "descending");
  const key = (row) => {
    const t = row.children[i] ? row.children[i].textContent.trim() : "";
    const n = Number(t.replace(/,/g, ""));
    return t !== "" && !Number.isNaN(n) ? n : t;
  };
  const rows = Array.from(body.rows).sort((a, b) => {
    const x = key(a), y = key(b);
    const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "zh-CN");
    return asc ? c : -c;
  });
  rows.forEach((r) => body.appendChild(r));
});

// <input data-filter="TABLE_ID">: show only the rows containing the text
document.addEventListener("input", (e) => {
  const input = e.target.closest("[data-filter]");
  if (!input) return;
  const q = input.value.trim().toLowerCase();
  document.querySelectorAll(`#${input.dataset.filter} tbody tr`).forEach((row) => {
    row.hidden = q !== "" && !row.textContent.toLowerCase().includes(q);
  });
});

// <form data-confirm="…"> or <button data-confirm="…">: asks before it is sent (locks,
// reopenings, disabling an account)
document.addEventListener("submit", (e) => {
  const ask = (e.submitter && e.submitter.dataset.confirm) || e.target.dataset.confirm;
  if (ask && !window.confirm(ask)) e.preventDefault();
});

// an error summary (or a page's one error) takes the focus when the page opens, so a screen
// reader reads it and a keyboard user starts from it (GOV.UK's error summary); its links
// move to their fields
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-focus], p.error[role=alert]");
  if (!summary) return;
  if (!summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
  summary.focus();
});
document.addEventListener("click", (e) => {
  const link = e.target.closest(".error-summary a[href^='#']");
  if (!link) return;
  const field = document.getElementById(link.getAttribute("href").slice(1));
  if (!field) return;
  e.preventDefault();
  field.scrollIntoView({ block: "center" });
  field.focus();
});
