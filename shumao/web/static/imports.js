// 导入: the form uploads with a progress bar, then says "正在检查…" while the server checks;
// the answer — the same page the form gets without JavaScript — replaces the page's main part.
"use strict";

(() => {
  function show(form, text, pct) {
    const box = form.querySelector("#import-progress");
    const bar = box.querySelector("progress");
    box.hidden = false;
    if (pct === null) bar.removeAttribute("value");    // indeterminate: the server is checking
    else bar.value = pct;
    box.querySelector(".status").textContent = text;
  }

  function fail(form, text) {
    form.querySelector("#import-progress").hidden = true;
    form.querySelector("button[type=submit]").disabled = false;
    let p = form.querySelector(".error.upload-error");
    if (!p) {
      p = document.createElement("p");
      p.className = "error upload-error";
      p.setAttribute("role", "alert");
      form.prepend(p);
    }
    p.textContent = text;
  }

  function answer(xhr, form) {
    const url = new URL(xhr.responseURL || form.action, location.href);
    if (url.pathname !== "/import") {          // signed out meanwhile: go where the server sent us
      location.assign(url.href);
      return;
    }
    const doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
    const main = doc.querySelector("main.page");
    if (!main) {
      fail(form, `服务器返回了无法显示的答复（${xhr.status}），请刷新页面后重试。`);
      return;
    }
    document.querySelector("main.page").replaceWith(document.adoptNode(main));
    document.title = doc.title;
    const first = main.querySelector(".headline, .error, h1");
    if (first) {
      first.setAttribute("tabindex", "-1");
      first.focus({ preventScroll: true });
    }
    (main.querySelector("#result") || main).scrollIntoView({ block: "start" });
  }

  document.addEventListener("submit", (e) => {
    const form = e.target.closest("#import-form");
    if (!form || !window.FormData || !window.XMLHttpRequest) return;
    const input = form.querySelector('input[type="file"]');
    const files = Array.from(input.files || []);
    if (files.length === 0) return;                 // the browser says the field is required
    e.preventDefault();
    const limit = Number(form.dataset.limit || 0);
    const total = files.reduce((n, f) => n + f.size, 0);
    if (limit && total > limit) {
      fail(form, `所选文件合计 ${(total / 1048576).toFixed(1)} MB，超过了 ${Math.floor(limit / 1048576)} MB 的上限，`
        + "未上传。请拆分文件后分批上传。");
      return;
    }
    form.querySelector("button[type=submit]").disabled = true;
    const old = form.querySelector(".upload-error");
    if (old) old.remove();
    show(form, "正在上传… 0%", 0);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRF-Token", form.querySelector('input[name="csrf_token"]').value);
    xhr.upload.addEventListener("progress", (ev) => {
      if (!ev.lengthComputable) return;
      const pct = Math.floor((ev.loaded * 100) / ev.total);
      show(form, `正在上传… ${pct}%`, pct);
    });
    xhr.upload.addEventListener("load", () => {
      show(form, "上传完成，正在检查…（数据量大时需要几分钟，请不要关闭页面）", null);
    });
    xhr.addEventListener("load", () => answer(xhr, form));
    xhr.addEventListener("error", () => {
      fail(form, "上传没有完成（网络中断，或文件超过了大小上限），数据库未做任何修改。请检查后重试。");
    });
    xhr.send(new FormData(form));
  });
})();
