// 工会文稿检索: small enhancements; the page works without them (plain GET forms and links).
(function () {
  "use strict";

  var form = document.getElementById("search-form");
  var box = document.getElementById("q");
  document.documentElement.classList.add("js");

  // "/" focuses the search box, unless the user is typing somewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || !box) return;
    var target = event.target;
    if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  // Facet checkboxes submit at once, so the counts follow every change.
  function submit() {
    if (!form) return;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }
  document.querySelectorAll("input.facet-input, #no-synonyms").forEach(function (input) {
    input.addEventListener("change", submit);
  });

  // Copy a paragraph with its citation line.
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.copy");
    if (!button) return;
    var status = button.parentNode.querySelector(".copy-status");
    copy(button.getAttribute("data-copy") || "").then(function () {
      if (status) status.textContent = "已复制（含引用）";
      button.classList.add("copied");
    }, function () {
      if (status) status.textContent = "复制失败，请手动选择文字复制";
    });
  });

  // A hit's context: the paragraphs before and after it, loaded once when first opened.
  function paragraph(text, className) {
    var p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }
  document.querySelectorAll("details.context").forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (!details.open || details.getAttribute("data-loaded")) return;
      details.setAttribute("data-loaded", "loading");
      var body = details.querySelector(".context-body");
      fetch(details.getAttribute("data-src"), { headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          var fallback = body.querySelector(".context-fallback");
          body.textContent = "";
          data.before.forEach(function (p) { body.appendChild(paragraph(p.text, "context-before")); });
          body.appendChild(paragraph(data.text, "context-current"));
          data.after.forEach(function (p) { body.appendChild(paragraph(p.text, "context-after")); });
          if (fallback) body.appendChild(fallback);
          details.setAttribute("data-loaded", "yes");
        })
        .catch(function () {
          details.setAttribute("data-loaded", "error");
          body.insertBefore(paragraph("无法载入上下文，请打开全文查看。", "context-error"), body.firstChild);
        });
    });
  });
})();
