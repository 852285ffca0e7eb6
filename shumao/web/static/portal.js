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

// a table wider than its box (a phone): say that it scrolls sideways, and how many columns it
// has, above it; the hint follows the box when the window is turned or resized (portal-ux AN-2, S-20)
function markWideTables() {
  for (const box of document.querySelectorAll(".scroll")) {
    const wide = box.scrollWidth > box.clientWidth + 1;
    let hint = box.previousElementSibling;
    if (!(hint && hint.classList.contains("scroll-hint"))) hint = null;
    if (wide && !hint) {
      hint = document.createElement("p");
      hint.className = "scroll-hint";
      const table = box.querySelector("table");
      const cols = table && table.rows.length ? table.rows[0].cells.length : 0;
      hint.textContent = cols ? `表格较宽（共 ${cols} 列），可左右滑动查看` : "内容较宽，可左右滑动查看";
      box.before(hint);
    } else if (!wide && hint) {
      hint.remove();
    }
    box.classList.toggle("overflows", wide);
  }
}
window.addEventListener("load", markWideTables);
window.addEventListener("resize", markWideTables);
