/* Resumable upload of A/V records (tus 1.0 core: POST create, HEAD offset, PATCH append;
   checksum extension). Chunks of 8 MB, each sent with Upload-Checksum: sha256 <base64>
   (crypto.subtle, available on HTTPS and localhost; without it the header is left out).
   The whole-file hash is not declared: crypto.subtle cannot hash a stream, and the whole
   file in memory is not acceptable for multi-GB video. A 460 (chunk damaged in transit)
   resends the chunk. After a network failure it asks the server for the offset (HEAD) and
   continues, retrying with back-off. The upload URL is kept in localStorage per file so
   choosing the same file again after closing the page resumes it. */
(function () {
  "use strict";
  var CHUNK = 8 * 1024 * 1024;
  var MAX_RETRIES = 30;

  function b64(s) {
    var bytes = new TextEncoder().encode(String(s));
    var bin = "";
    for (var i = 0; i < bytes.length; i++) { bin += String.fromCharCode(bytes[i]); }
    return btoa(bin);
  }
  function isoLocal(v) { return v ? new Date(v).toISOString() : ""; }
  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
  async function checksum(buffer) {
    if (!(window.crypto && window.crypto.subtle)) { return null; }
    var bytes = new Uint8Array(await window.crypto.subtle.digest("SHA-256", buffer));
    var bin = "";
    for (var i = 0; i < bytes.length; i++) { bin += String.fromCharCode(bytes[i]); }
    return "sha256 " + btoa(bin);
  }

  function init() {
    var form = document.getElementById("upload-form");
    if (!form) { return; }
    var progress = document.getElementById("f-progress");
    var status = document.getElementById("f-status");
    var button = document.getElementById("f-submit");
    var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var headers = { "Tus-Resumable": "1.0.0", "X-CSRFToken": csrf };

    function say(text, cls) { status.textContent = text; status.className = cls || ""; }
    async function errorText(resp) {
      try { var j = await resp.json(); return j.detail || JSON.stringify(j); }
      catch (e) { return "HTTP " + resp.status; }
    }
    function metadata(file) {
      var f = form.elements;
      var meta = {
        case: form.dataset.case, activity: f.activity.value,
        recorded_start: isoLocal(f.recorded_start.value), recorded_end: isoLocal(f.recorded_end.value),
        place: f.place.value, collector: f.collector.value, proves: f.proves.value,
        kind: f.kind.value, is_evidence: f.is_evidence.checked ? "1" : "0", filename: file.name
      };
      var interruptions = [];
      if (f.stopped_at.value || f.restarted_at.value || f.interrupt_reason.value) {
        interruptions.push({ stopped_at: isoLocal(f.stopped_at.value),
          restarted_at: isoLocal(f.restarted_at.value), reason: f.interrupt_reason.value });
      }
      meta.interruptions = JSON.stringify(interruptions);
      return Object.keys(meta).map(function (k) { return k + " " + b64(meta[k]); }).join(",");
    }
    function fileKey(file) {
      return "sanxiang-upload:" + form.dataset.case + ":" + file.name + ":" + file.size + ":" + file.lastModified;
    }
    async function create(file) {
      var h = Object.assign({ "Upload-Length": String(file.size), "Upload-Metadata": metadata(file) }, headers);
      var resp = await fetch(form.dataset.endpoint, { method: "POST", headers: h, credentials: "same-origin" });
      if (resp.status !== 201) { throw new Error(await errorText(resp)); }
      return resp.headers.get("Location");
    }
    async function offsetOf(url) {
      var resp = await fetch(url, { method: "HEAD", headers: headers, credentials: "same-origin", cache: "no-store" });
      if (resp.status !== 200) { return null; }
      return { offset: parseInt(resp.headers.get("Upload-Offset"), 10),
        recording: resp.headers.get("Recording-Id"), sha: resp.headers.get("Recording-Sha256") };
    }
    function show(offset, size) {
      var pct = size ? Math.floor(offset * 100 / size) : 100;
      progress.value = pct;
      say("已上传 " + pct + "%（" + (offset / 1048576).toFixed(1) + " / " + (size / 1048576).toFixed(1) + " MB）");
    }

    form.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      var file = form.elements.file.files[0];
      if (!file) { say("请选择文件。", "error"); return; }
      button.disabled = true;
      progress.hidden = false;
      try {
        var key = fileKey(file);
        var url = localStorage.getItem(key);
        var state = url ? await offsetOf(url) : null;
        if (state === null) { url = await create(file); state = { offset: 0 }; localStorage.setItem(key, url); }
        var offset = state.offset;
        function done(sha) {
          localStorage.removeItem(key);
          show(file.size, file.size);
          say("上传完成，已核验并入库。SHA-256：" + sha, "ok");
          setTimeout(function () { window.location.href = form.dataset.caseUrl; }, 1500);
        }
        if (state.recording) { done(state.sha); return; }
        show(offset, file.size);
        var retries = 0;
        // offset === size can happen after a server crash: an empty PATCH completes it
        while (offset <= file.size) {
          var end = Math.min(offset + CHUNK, file.size);
          var resp;
          try {
            var body = await file.slice(offset, end).arrayBuffer();
            var h = Object.assign({ "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(offset) }, headers);
            var sum = await checksum(body);
            if (sum) { h["Upload-Checksum"] = sum; }
            resp = await fetch(url, { method: "PATCH", credentials: "same-origin", body: body, headers: h });
          } catch (netErr) { resp = null; }
          if (resp && resp.status === 204) {
            offset = parseInt(resp.headers.get("Upload-Offset"), 10);
            retries = 0;
            show(offset, file.size);
            if (resp.headers.get("Recording-Id")) { done(resp.headers.get("Recording-Sha256")); return; }
            continue;
          }
          if (resp && resp.status !== 409 && resp.status !== 460 && resp.status < 500) {
            localStorage.removeItem(key);
            throw new Error(await errorText(resp));
          }
          if (++retries > MAX_RETRIES) { throw new Error("网络连续中断，请稍后重新选择同一文件继续上传。"); }
          say((resp && resp.status === 460 ? "数据块校验失败，正在重新发送" : "网络中断，正在续传") +
            "（第 " + retries + " 次重试）…", "warn");
          await sleep(Math.min(30000, 1000 * retries));
          var current = await offsetOf(url).catch(function () { return null; });
          if (current !== null) {
            if (current.recording) { done(current.sha); return; }
            offset = current.offset;
          }
        }
      } catch (err) {
        say("上传失败：" + err.message, "error");
      } finally {
        button.disabled = false;
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
