/* 采纳推荐条款 without leaving the page: the accept/withdraw buttons inside the page's own
   form (决定, 送审) post with fetch and the panel is replaced by the server's re-rendering, so
   what the user has typed in the form stays. Without JS the buttons post the whole form and
   the page reloads (assist/views.py). */
(function () {
  "use strict";
  if (window.sanxiangAssistAccept) { return; }
  window.sanxiangAssistAccept = true;

  function hideReloadHint(root) {
    var hints = root.querySelectorAll(".assist-reload-hint");
    for (var i = 0; i < hints.length; i++) { hints[i].hidden = true; }
  }

  document.addEventListener("DOMContentLoaded", function () { hideReloadHint(document); });

  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest ? ev.target.closest(".assist-suggestions button[formaction]") : null;
    if (!btn || !window.fetch || !btn.form) { return; }
    var panel = btn.closest(".assist-suggestions");
    var token = btn.form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!panel || !token) { return; }
    ev.preventDefault();
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token.value);
    data.append(btn.name, btn.value);
    if (btn.name === "assist_accept") {
      var select = panel.querySelector("select[name='assist_paragraph_" + btn.value.split(":")[0] + "']");
      if (select) { data.append(select.name, select.value); }
    }
    btn.disabled = true;
    fetch(btn.getAttribute("formaction"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (r) {
      if ((r.headers.get("Content-Type") || "").indexOf("application/json") < 0) {
        throw new Error("no panel");
      }
      return r.json();
    }).then(function (body) {
      var doc = new DOMParser().parseFromString(body.html, "text/html");
      var fresh = doc.querySelector(".assist-suggestions");
      if (!fresh) { throw new Error("no panel"); }
      hideReloadHint(fresh);
      panel.replaceWith(document.importNode(fresh, true));
    }).catch(function () {
      btn.disabled = false;
      var note = panel.querySelector(".assist-status");
      if (!note) {
        note = document.createElement("p");
        note.setAttribute("role", "status");
        panel.insertBefore(note, panel.children[1] || null);
      }
      note.className = "assist-status error";
      note.textContent = "采纳未能完成，请刷新页面后重试。";
    });
  });
})();
