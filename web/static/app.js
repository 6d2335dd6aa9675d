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

  // A pasted query longer than the box's limit is cut by the browser: say so.
  if (box && box.maxLength > 0) {
    var limitNotice = document.createElement("p");
    limitNotice.id = "q-limit-notice";
    limitNotice.className = "notice limit-notice";
    limitNotice.setAttribute("role", "status");
    limitNotice.hidden = true;
    box.form.insertAdjacentElement("afterend", limitNotice);
    box.addEventListener("paste", function (event) {
      var pasted = (event.clipboardData || window.clipboardData).getData("text") || "";
      var kept = box.value.length - ((box.selectionEnd || 0) - (box.selectionStart || 0));
      var length = kept + pasted.length;
      limitNotice.hidden = length <= box.maxLength;
      limitNotice.textContent = limitNotice.hidden ? "" : "粘贴的内容有 " + length + " 个字符，检索框最多 " +
        box.maxLength + " 个，超出的部分已被截掉。请缩短检索式，或拆成几次检索。";
    });
    box.addEventListener("input", function () {
      if (box.value.length < box.maxLength) limitNotice.hidden = true;
    });
  }

  // On a phone the filters come after the results: the 筛选 button shows them first.
  var filtersToggle = document.getElementById("filters-toggle");
  if (filtersToggle) {
    filtersToggle.setAttribute("role", "button");
    filtersToggle.setAttribute("aria-expanded", "false");
    filtersToggle.addEventListener("click", function (event) {
      event.preventDefault();
      var open = document.body.classList.toggle("filters-open");
      filtersToggle.setAttribute("aria-expanded", open ? "true" : "false");
      var facets = document.getElementById("facets");
      if (open && facets) facets.scrollIntoView({ block: "start" });
    });
  }

  // A hit's context: the paragraphs before and after it, loaded once when first opened,
  // each with its matches marked (spans are [start, end) in code points) and a link to clip it.
  function marked(parent, text, spans) {
    var chars = Array.from(text);
    var at = 0;
    (spans || []).forEach(function (span) {
      if (span[0] > at) parent.appendChild(document.createTextNode(chars.slice(at, span[0]).join("")));
      var m = document.createElement("mark");
      m.textContent = chars.slice(span[0], span[1]).join("");
      parent.appendChild(m);
      at = span[1];
    });
    if (at < chars.length) parent.appendChild(document.createTextNode(chars.slice(at).join("")));
  }
  function paragraph(item, className) {
    var p = document.createElement("p");
    p.className = className;
    marked(p, item.text, item.spans);
    return p;
  }
  // A neighbouring paragraph, followed by a link that adds it to a collection.
  function neighbour(body, item, className) {
    body.appendChild(paragraph(item, className));
    var clip = document.createElement("a");
    clip.className = "clip-link context-clip";
    clip.href = "/clip/" + encodeURIComponent(item.id) + "?next=" +
      encodeURIComponent(location.pathname + location.search);
    clip.textContent = "把上面这段加入素材夹";
    body.appendChild(clip);
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
          data.before.forEach(function (p) { neighbour(body, p, "context-before"); });
          body.appendChild(paragraph(data, "context-current"));
          data.after.forEach(function (p) { neighbour(body, p, "context-after"); });
          if (fallback) body.appendChild(fallback);
          details.setAttribute("data-loaded", "yes");
        })
        .catch(function () {
          details.setAttribute("data-loaded", "error");
          body.insertBefore(paragraph({ text: "无法载入上下文，请打开全文查看。" }, "context-error"), body.firstChild);
        });
    });
  });
})();
