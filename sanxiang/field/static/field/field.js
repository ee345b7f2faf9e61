/* Field mode (移动执法，issue #18): offline tasks, capture with SHA-256 at capture, an
   encrypted queue in IndexedDB, and sync through the act endpoint + the tus upload.

   Encryption at rest: when the page is opened online it asks POST /api/field/session/ for a
   random secret of the login session; PBKDF2-SHA-256 (210000 iterations, salt = user id +
   device id) derives a non-extractable AES-GCM-256 CryptoKey from it. The key object is
   kept in IndexedDB (so the app works after a restart without signal); every stored task
   list, act and file is AES-GCM encrypted with a fresh 96-bit IV. The key never leaves the
   browser's key store as bytes. It is derived at the officer's first online visit on
   this device and kept until it is deleted with the data on sign-out, on a revoked
   device, when another officer signs in, or after SANXIANG_FIELD_WIPE_DAYS offline.

   Forms: each act kind has its own form (现场检查/勘验笔录, 询问笔录 with a repeatable list of
   questions and answers, 证据登记保存 and 查封扣押 with item lists); the server validates them
   again (sanxiang/field/acts.py). Location is taken only when the officer ticks the box.

   Background Sync: on queueing, the page registers the sync tag with the service worker
   (where supported). The service worker cannot decrypt the queue (the key is only usable
   by this page's code), so its sync handler asks an open page to sync (postMessage) or,
   with none open, shows a reminder notification; the "online" event stays the fallback. */
(function () {
  "use strict";
  var DB_NAME = "sanxiang-field";
  var CHUNK = 8 * 1024 * 1024;
  var SYNC_TAG = "sanxiang-field-sync";
  var app, db, key = null, deviceId = null, tasks = null, syncing = null, captured = [];
  var formCase = null, formTime = null, formLocation = null, geoAsked = 0;

  function $(id) { return document.getElementById(id); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function fmt(iso) {
    if (!iso) { return "—"; }
    var d = new Date(iso);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }
  function say(text, cls) { var m = $("fm-msg"); m.textContent = text || ""; m.className = cls || ""; }
  function hex(buf) {
    return Array.prototype.map.call(new Uint8Array(buf), function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function b64(s) {
    var bytes = new TextEncoder().encode(String(s)), bin = "";
    for (var i = 0; i < bytes.length; i++) { bin += String.fromCharCode(bytes[i]); }
    return btoa(bin);
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }

  /* ---- IndexedDB ---- */
  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () {
        req.result.createObjectStore("kv");
        req.result.createObjectStore("queue", { keyPath: "id" });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(store, mode, fn) {
    return new Promise(function (resolve, reject) {
      var t = db.transaction(store, mode), s = t.objectStore(store), out;
      var r = fn(s);
      if (r) { r.onsuccess = function () { out = r.result; }; }
      t.oncomplete = function () { resolve(out); };
      t.onerror = function () { reject(t.error); };
      t.onabort = function () { reject(t.error); };
    });
  }
  function kvGet(k) { return tx("kv", "readonly", function (s) { return s.get(k); }); }
  function kvPut(k, v) { return tx("kv", "readwrite", function (s) { return s.put(v, k); }); }
  function queueAll() {
    return tx("queue", "readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return (rows || []).sort(function (a, b) { return a.seq - b.seq; });
    });
  }
  function queuePut(entry) { return tx("queue", "readwrite", function (s) { return s.put(entry); }); }
  function queueDelete(id) { return tx("queue", "readwrite", function (s) { return s.delete(id); }); }

  async function wipe() {
    key = null; tasks = null;
    await tx("queue", "readwrite", function (s) { return s.clear(); });
    var dev = await kvGet("device");
    await tx("kv", "readwrite", function (s) { return s.clear(); });
    if (dev) { await kvPut("device", dev); }  // the device id is not personal data
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("wipe");
    }
  }

  /* ---- crypto ---- */
  async function deriveKey(secret, userId) {
    var base = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "PBKDF2", false, ["deriveKey"]);
    return crypto.subtle.deriveKey(
      { name: "PBKDF2", hash: "SHA-256", iterations: 210000,
        salt: new TextEncoder().encode("sanxiang-field:" + userId + ":" + deviceId) },
      base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  }
  async function seal(bytes) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, key, bytes);
    return { iv: iv, ct: ct };
  }
  async function open(box) {
    return crypto.subtle.decrypt({ name: "AES-GCM", iv: box.iv }, key, box.ct);
  }
  async function sealJson(obj) { return seal(new TextEncoder().encode(JSON.stringify(obj))); }
  async function openJson(box) { return JSON.parse(new TextDecoder().decode(await open(box))); }

  /* ---- server ---- */
  async function api(path, method, body) {
    var resp = await fetch(app.dataset.api + path, {
      method: method || "GET", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), "Accept": "application/json" },
      body: body ? JSON.stringify(body) : undefined
    });
    var data = null;
    try { data = await resp.json(); } catch (e) { data = null; }
    return { status: resp.status, data: data || {} };
  }

  function netState() {
    $("fm-net").textContent = navigator.onLine ? "网络已连接" : "无网络：离线模式，记录保存在本机，联网后自动同步";
    $("fm-net").className = "fm-net " + (navigator.onLine ? "ok" : "warn");
  }

  async function connect() {
    var r;
    try {
      r = await api("session/", "POST", { device_id: deviceId, label: navigator.userAgent.slice(0, 180) });
    } catch (e) { return false; }
    if (r.status === 403 && r.data.code === "permission_denied") {
      await wipe();
      say((r.data.detail || "本设备不能使用移动执法。") + " 本机离线数据已清除。", "error");
      return false;
    }
    if (r.status !== 200) { say("登录已失效，请重新登录后同步。", "error"); return false; }
    var known = await kvGet("user");
    if (known && String(known) !== String(r.data.user)) { await wipe(); known = null; }
    // The key is derived once per officer and device; a later login keeps it, so acts
    // queued before the session changed stay readable until they are synced.
    key = known ? ((await kvGet("key")) || null) : null;
    if (!key) { key = await deriveKey(r.data.secret, r.data.user); await kvPut("key", key); }
    await kvPut("user", r.data.user);
    await kvPut("wipe_days", r.data.wipe_after_days);
    await kvPut("last_online", Date.now());
    try {
      var t = await api("tasks/");
      if (t.status === 200) { tasks = t.data; await kvPut("tasks", await sealJson(tasks)); }
    } catch (e) { /* keep the stored list */ }
    return true;
  }

  async function loadOffline() {
    var days = await kvGet("wipe_days"), last = await kvGet("last_online");
    if (last && days && Date.now() - last > days * 86400000) {
      await wipe();
      say("本机已连续 " + days + " 天未联网，离线数据已按规定清除。请联网登录。", "error");
      return;
    }
    key = (await kvGet("key")) || null;
    if (!key) { say("本机没有离线数据。请在有网络时打开本页面登录一次。", "warn"); return; }
    var box = await kvGet("tasks");
    if (box) { tasks = await openJson(box); }
  }

  /* ---- tasks ---- */
  function renderTasks() {
    var ul = $("fm-cases"), ui = $("fm-inspections");
    ul.textContent = ""; ui.textContent = "";
    if (!tasks) { ul.appendChild(el("li", "（暂无数据）")); return; }
    $("fm-tasks-when").textContent = "任务更新于 " + fmt(tasks.generated_at);
    if (!tasks.cases.length) { ul.appendChild(el("li", "没有调查取证中的案件。")); }
    tasks.cases.forEach(function (c) {
      var li = el("li", null, "fm-task");
      li.appendChild(el("strong", (c.number || "（未编号）") + " " + c.title));
      if (c.catalogue_item) { li.appendChild(el("span", "执法事项：" + c.catalogue_item, "hint")); }
      if (c.parties.length) {
        li.appendChild(el("span", "当事人：" + c.parties.map(function (p) { return p.name; }).join("、"), "hint"));
      }
      var b = el("button", "记录现场执法活动", "primary fm-record");
      b.type = "button";
      b.dataset.case = c.id;
      b.addEventListener("click", function () { openForm(c); });
      li.appendChild(b);
      ul.appendChild(li);
    });
    if (!tasks.inspections.length) { ui.appendChild(el("li", "没有待检查的双随机任务。")); }
    tasks.inspections.forEach(function (t) {
      var li = el("li", null, "fm-task");
      li.appendChild(el("strong", t.target));
      li.appendChild(el("span", t.plan + (t.address ? " · " + t.address : ""), "hint"));
      li.appendChild(el("span", "检查人员：" + t.officers.join("、"), "hint"));
      ui.appendChild(li);
    });
  }

  /* ---- capture ---- */
  function options(select, items, selected) {
    select.textContent = "";
    var blank = el("option", "请选择"); blank.value = ""; select.appendChild(blank);
    items.forEach(function (o) {
      var opt = el("option", o.label || o.name); opt.value = o.value || o.id;
      if (String(opt.value) === String(selected)) { opt.selected = true; }
      select.appendChild(opt);
    });
  }
  function openForm(c) {
    formCase = c; formTime = new Date().toISOString(); captured = [];
    $("fm-case-label").textContent = "案件：" + (c.number || "") + " " + c.title;
    options($("fm-activity"), tasks.activities, tasks.activities[0].value);
    var me = tasks.officer ? tasks.officer.id : "";
    var others = c.officers.filter(function (o) { return String(o.id) !== String(me); });
    options($("fm-officer1"), c.officers, me);
    options($("fm-officer2"), c.officers, others.length ? others[0].id : "");
    $("fm-time").textContent = fmt(formTime);
    $("fm-place").value = c.place || "";
    $("fm-notes").value = "";
    ["fm-checked", "fm-findings", "fm-interviewee", "fm-idnumber", "fm-relation", "fm-custody", "fm-basis"]
      .forEach(function (id) { $(id).value = ""; });
    ["fm-qa", "fm-ev", "fm-sz"].forEach(function (id) { $(id).textContent = ""; addRow(id); });
    formLocation = null; geoAsked++;
    $("fm-geo").checked = false; $("fm-geo-status").textContent = "";
    showKind();
    $("fm-files").value = "";
    $("fm-captured").textContent = "";
    $("fm-form-error").textContent = "";
    $("fm-form-card").hidden = false;
    $("fm-form-card").scrollIntoView();
  }
  /* ---- the form of each act kind ---- */
  var ROWS = {
    "fm-qa": [["q", "问", "textarea"], ["a", "答", "textarea"]],
    "fm-ev": [["name", "证据名称 *"], ["quantity", "数量 *"], ["kept_at", "保存地点 *"]],
    "fm-sz": [["name", "物品名称 *"], ["spec", "规格"], ["quantity", "数量 *"]]
  };
  function addRow(listId) {
    var ol = $(listId), li = el("li");
    ROWS[listId].forEach(function (f) {
      var input = document.createElement(f[2] || "input");
      input.className = "fm-" + f[0]; input.maxLength = 2000;
      if (f[2]) { input.rows = 2; }
      input.setAttribute("aria-label", f[1].replace(" *", ""));
      input.placeholder = f[1];
      li.appendChild(input);
    });
    var del = el("button", "删除此行"); del.type = "button";
    del.addEventListener("click", function () { li.remove(); });
    li.appendChild(del);
    ol.appendChild(li);
  }
  function rowsOf(listId) {
    var out = [];
    Array.prototype.forEach.call($(listId).children, function (li) {
      var row = {}, any = false;
      ROWS[listId].forEach(function (f) {
        row[f[0]] = li.querySelector(".fm-" + f[0]).value.trim();
        any = any || !!row[f[0]];
      });
      if (any) { out.push(row); }
    });
    return out;
  }
  function showKind() {
    var kind = $("fm-activity").value;
    Array.prototype.forEach.call(document.querySelectorAll(".fm-act"), function (fs) {
      fs.hidden = fs.dataset.kind !== kind;
    });
    var a = (tasks.activities || []).filter(function (x) { return x.value === kind; })[0];
    $("fm-form-name").textContent = a && a.form ? "文书：" + a.form : "";
  }
  /* mirrors sanxiang/field/acts.py; returns [act, errors] */
  function readAct(kind) {
    var v = function (id) { return $(id).value.trim(); }, errors = [], act = {};
    var rowErrors = function (rows, what, required) {
      rows.forEach(function (r, i) {
        required.forEach(function (f) { if (!r[f[0]]) { errors.push("第 " + (i + 1) + " " + what + "缺少" + f[1]); } });
      });
    };
    if (kind === "on_site_inspection") {
      act = { checked: v("fm-checked"), findings: v("fm-findings") };
      if (!act.checked) { errors.push("请填写检查（勘验）的对象和内容"); }
      if (!act.findings) { errors.push("请填写发现的情况"); }
    } else if (kind === "interview") {
      act = { interviewee: v("fm-interviewee"), id_number: v("fm-idnumber").toUpperCase(),
        relation: v("fm-relation"), qa: rowsOf("fm-qa") };
      if (!act.interviewee) { errors.push("请填写被询问人姓名"); }
      if (act.id_number && !/^\d{17}[\dX]$/.test(act.id_number)) { errors.push("身份证号码应为 18 位（可不填）"); }
      if (!act.relation) { errors.push("请填写与当事人的关系"); }
      if (!act.qa.length) { errors.push("请至少记录一组问答"); }
      rowErrors(act.qa, "组问答", [["q", "提问"], ["a", "回答"]]);
    } else if (kind === "evidence_preservation") {
      act = { items: rowsOf("fm-ev") };
      if (!act.items.length) { errors.push("请至少登记一项证据"); }
      rowErrors(act.items, "项证据", [["name", "名称"], ["quantity", "数量"], ["kept_at", "保存地点"]]);
    } else if (kind === "seizure") {
      act = { items: rowsOf("fm-sz"), custody_place: v("fm-custody"), legal_basis: v("fm-basis") };
      if (!act.items.length) { errors.push("请至少列明一项物品"); }
      rowErrors(act.items, "项物品", [["name", "名称"], ["quantity", "数量"]]);
      if (!act.custody_place) { errors.push("请填写存放地点"); }
      if (!act.legal_basis) { errors.push("请填写法律依据"); }
    }
    return [act, errors];
  }
  function actSummary(meta) {
    var a = meta.act || {};
    if (meta.activity === "on_site_inspection") { return a.findings || ""; }
    if (meta.activity === "interview") { return "被询问人：" + a.interviewee + "（" + a.relation + "），问答 " + (a.qa || []).length + " 组"; }
    return (a.items || []).map(function (i) { return i.name + " " + i.quantity; }).join("、");
  }
  function locText(loc) {
    if (!loc) { return ""; }
    return "纬度 " + loc.latitude.toFixed(6) + "，经度 " + loc.longitude.toFixed(6) +
      (loc.accuracy != null ? "（精度约 " + Math.round(loc.accuracy) + " 米）" : "");
  }
  /* Location only on the officer's action (the checkbox); refusing is fine. */
  function onGeo() {
    var status = $("fm-geo-status");
    formLocation = null;
    if (!$("fm-geo").checked) { status.textContent = "不记录位置。"; return; }
    if (!navigator.geolocation) { status.textContent = "本机不支持定位，可不记录位置。"; $("fm-geo").checked = false; return; }
    var ask = ++geoAsked;
    status.textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      if (ask !== geoAsked || !$("fm-geo").checked) { return; }
      formLocation = { latitude: pos.coords.latitude, longitude: pos.coords.longitude,
        accuracy: pos.coords.accuracy, taken_at: new Date(pos.timestamp || Date.now()).toISOString() };
      status.textContent = "已定位：" + locText(formLocation) + " · " + fmt(formLocation.taken_at);
    }, function (err) {
      if (ask !== geoAsked) { return; }
      $("fm-geo").checked = false;
      status.textContent = (err && err.code === 1 ? "您未允许定位" : "未能取得定位") + "，本次记录不含位置。";
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
  }

  function kindOf(type) {
    if (type.indexOf("image/") === 0) { return "photo"; }
    if (type.indexOf("audio/") === 0) { return "audio"; }
    if (type.indexOf("video/") === 0) { return "video"; }
    return "document";
  }
  async function onFiles(ev) {
    var files = Array.prototype.slice.call(ev.target.files || []);
    for (var i = 0; i < files.length; i++) {
      var f = files[i];
      var buf = await f.arrayBuffer();
      var sha = hex(await crypto.subtle.digest("SHA-256", buf));
      var item = { name: f.name, type: f.type || "application/octet-stream", size: f.size,
        sha256: sha, captured_at: new Date().toISOString(), kind: kindOf(f.type || ""), data: buf };
      captured.push(item);
      var li = el("li", null, "fm-file");
      li.appendChild(el("strong", f.name + "（" + Math.ceil(f.size / 1024) + " KB）"));
      li.appendChild(el("span", "SHA-256：" + sha, "fm-sha"));
      li.appendChild(el("span", "采集时间：" + fmt(item.captured_at) + " · 设备：" + deviceId, "hint"));
      $("fm-captured").appendChild(li);
    }
    ev.target.value = "";
  }
  async function onSave(ev) {
    ev.preventDefault();
    var errors = [];
    var place = $("fm-place").value.trim(), notes = $("fm-notes").value.trim();
    var kind = $("fm-activity").value, read = readAct(kind);
    var o1 = $("fm-officer1").value, o2 = $("fm-officer2").value;
    if (!$("fm-activity").value) { errors.push("请选择执法活动"); }
    if (!place) { errors.push("请填写地点"); }
    if (!o1 || !o2) { errors.push("请选择两名执法人员"); } else if (o1 === o2) { errors.push("两名执法人员不能是同一人"); }
    errors = errors.concat(read[1]);
    if ($("fm-geo").checked && !formLocation) { errors.push("定位尚未完成，请稍候，或取消勾选“记录现场位置”"); }
    if (!key) { errors.push("本机尚未取得加密密钥，请联网打开本页面一次"); }
    if (errors.length) { $("fm-form-error").textContent = errors.join("；") + "。"; return; }
    var meta = {
      client_id: crypto.randomUUID(), device_id: deviceId, case: formCase.id,
      case_label: (formCase.number || "") + " " + formCase.title,
      activity: $("fm-activity").value,
      activity_label: $("fm-activity").selectedOptions[0].textContent,
      captured_at: formTime, place: place, officers: [parseInt(o1, 10), parseInt(o2, 10)], notes: notes,
      act: read[0], location: formLocation,
      files: captured.map(function (f) {
        return { name: f.name, type: f.type, size: f.size, sha256: f.sha256, captured_at: f.captured_at, kind: f.kind };
      })
    };
    var blobs = [];
    for (var i = 0; i < captured.length; i++) { blobs.push(await seal(captured[i].data)); }
    var rows = await queueAll();
    var seq = rows.length ? rows[rows.length - 1].seq + 1 : 1;
    await queuePut({ id: meta.client_id, seq: seq, state: "pending", meta: await sealJson(meta),
      blobs: blobs, uploads: {}, done: {}, receipt: null, message: "" });
    captured = [];
    $("fm-form-card").hidden = true;
    say("已加密保存到本机，待同步。", "ok");
    await renderQueue();
    requestBackgroundSync();
    if (navigator.onLine) { sync(); }
  }

  /* ---- Background Sync ---- */
  function requestBackgroundSync() {
    if (!("serviceWorker" in navigator) || !navigator.serviceWorker.controller) { return; }
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.sync) { return reg.sync.register(SYNC_TAG); }
    }).catch(function () { /* not allowed here: the online event still syncs */ });
  }
  async function pendingCount() {
    var rows = await queueAll();
    return rows.filter(function (e) { return e.state === "pending" || e.state === "uploading" || e.state === "error"; }).length;
  }
  /* the service worker's sync handler asks this page to sync; the answer says what is left */
  async function onWorkerMessage(ev) {
    if (!ev.data || ev.data.type !== "field-sync") { return; }
    var port = ev.ports && ev.ports[0];
    try {
      if (navigator.onLine && await connect()) { renderTasks(); }
      await sync();
    } catch (e) { /* reported as left below */ }
    if (port) { port.postMessage({ left: key ? await pendingCount() : -1 }); }
  }

  /* ---- queue ---- */
  var STATE = { pending: "待同步", uploading: "正在上传附件", synced: "已同步", conflict: "冲突：未入案",
    rejected: "被退回", error: "同步中断，将重试" };
  async function renderQueue() {
    var ul = $("fm-queue"); ul.textContent = "";
    var rows = await queueAll();
    if (!rows.length) { ul.appendChild(el("li", "没有待同步的记录。")); return; }
    for (var i = 0; i < rows.length; i++) {
      var e = rows[i], meta = null;
      try { meta = key ? await openJson(e.meta) : null; } catch (err) { meta = null; }
      var li = el("li", null, "fm-entry fm-" + e.state);
      li.dataset.id = e.id;
      li.appendChild(el("strong", (meta ? meta.activity_label + " · " + meta.case_label : "（已加密）") + " — " + (STATE[e.state] || e.state), "fm-state"));
      if (meta) {
        li.appendChild(el("span", "现场时间：" + fmt(meta.captured_at) + " · 地点：" + meta.place, "hint"));
        if (meta.location) { li.appendChild(el("span", "定位：" + locText(meta.location), "hint fm-loc")); }
        meta.files.forEach(function (f, idx) {
          var d = e.done[idx];
          li.appendChild(el("span", f.name + " SHA-256：" + f.sha256 + (d ? " ✓ 已入库（核验一致）" : ""), "fm-sha"));
        });
      }
      if (e.receipt) {
        li.appendChild(el("span", "同步时间：" + fmt(e.receipt.synced_at) + (e.receipt.late_entry ? " · 补录" : ""), "hint"));
      }
      if (e.message) { li.appendChild(el("span", e.message, e.state === "synced" ? "hint" : "error")); }
      if (e.state === "conflict" || e.state === "rejected") {
        var b = el("button", "从本机删除此记录", "danger"); b.type = "button";
        b.addEventListener("click", (function (id) {
          return async function () {
            if (window.confirm("删除后此记录及其照片、录音将从本机清除，且不会进入案件。确定删除？")) {
              await queueDelete(id); renderQueue();
            }
          };
        })(e.id));
        li.appendChild(b);
      }
      ul.appendChild(li);
    }
  }

  async function tusUpload(entry, meta, idx) {
    var f = meta.files[idx];
    var data = await open(entry.blobs[idx]);
    var headers = { "Tus-Resumable": "1.0.0", "X-CSRFToken": csrf() };
    var url = entry.uploads[idx], offset = 0;
    if (url) {
      var h = await fetch(url, { method: "HEAD", headers: headers, credentials: "same-origin", cache: "no-store" });
      if (h.status === 200) {
        if (h.headers.get("Recording-Id")) { return { id: h.headers.get("Recording-Id"), sha: h.headers.get("Recording-Sha256") }; }
        offset = parseInt(h.headers.get("Upload-Offset"), 10);
      } else { url = null; }
    }
    if (!url) {
      var md = { case: meta.case, activity: meta.activity, recorded_start: f.captured_at, recorded_end: f.captured_at,
        place: meta.place, collector: meta.officers[0], proves: (meta.activity_label + "：" + (meta.act ? actSummary(meta) : meta.notes)).slice(0, 2000),
        kind: f.kind, is_evidence: "1", filename: f.name, sha256: f.sha256, captured_at: f.captured_at, device_id: deviceId };
      var mdh = Object.keys(md).map(function (k) { return k + " " + b64(md[k]); }).join(",");
      var c = await fetch(app.dataset.uploads, { method: "POST", credentials: "same-origin",
        headers: Object.assign({ "Upload-Length": String(f.size), "Upload-Metadata": mdh }, headers) });
      if (c.status !== 201) { var j = {}; try { j = await c.json(); } catch (e) { j = {}; } throw { refused: true, message: j.detail || ("HTTP " + c.status) }; }
      url = c.headers.get("Location");
      entry.uploads[idx] = url;
      await queuePut(entry);
    }
    while (offset <= f.size) {
      var body = data.slice(offset, Math.min(offset + CHUNK, f.size));
      var sum = btoa(String.fromCharCode.apply(null, new Uint8Array(await crypto.subtle.digest("SHA-256", body))));
      var r = await fetch(url, { method: "PATCH", credentials: "same-origin", body: body,
        headers: Object.assign({ "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(offset),
          "Upload-Checksum": "sha256 " + sum }, headers) });
      if (r.status === 204) {
        if (r.headers.get("Recording-Id")) { return { id: r.headers.get("Recording-Id"), sha: r.headers.get("Recording-Sha256") }; }
        offset = parseInt(r.headers.get("Upload-Offset"), 10);
        continue;
      }
      if (r.status === 460 || r.status === 409 || r.status >= 500) { throw { retry: true }; }
      var jj = {}; try { jj = await r.json(); } catch (e) { jj = {}; }
      throw { refused: true, message: jj.detail || ("HTTP " + r.status) };
    }
    throw { retry: true };
  }

  function sync() {
    if (!key) { return Promise.resolve(); }
    if (!syncing) { syncing = runSync(); }
    return syncing;
  }
  async function runSync() {
    try {
      var rows = await queueAll();
      for (var i = 0; i < rows.length; i++) {
        var e = rows[i];
        if (e.state === "synced" || e.state === "conflict" || e.state === "rejected") { continue; }
        var meta = await openJson(e.meta);
        if (!e.receipt) {
          var r = await api("acts/", "POST", meta);
          if (r.status === 200 || r.status === 201) {
            e.receipt = r.data; e.state = "uploading"; e.message = r.data.late_entry ? "已按补录入案。" : "";
          } else if (r.status === 409) {
            e.state = "conflict"; e.message = r.data.detail || "案件状态已变化，未入案。";
            await queuePut(e); continue;
          } else if (r.status === 403) {
            say((r.data.detail || "无权同步。"), "error"); await queuePut(e); break;
          } else {
            e.state = "rejected"; e.message = "服务器退回：" + (r.data.detail || ("HTTP " + r.status));
            await queuePut(e); continue;
          }
          await queuePut(e);
        }
        var failed = false;
        for (var k = 0; k < meta.files.length; k++) {
          if (e.done[k]) { continue; }
          try {
            e.done[k] = await tusUpload(e, meta, k);
            await queuePut(e);
          } catch (err) {
            failed = true;
            if (err && err.refused) { e.state = "rejected"; e.message = "附件“" + meta.files[k].name + "”未入库：" + err.message; }
            else { e.state = "error"; }
            await queuePut(e);
            break;
          }
        }
        if (!failed) {
          e.state = "synced"; e.blobs = [];  // the files are on the server now; drop the local copies
          e.message = "已入案（案件记录 " + e.receipt.case_event + "）。" + (e.receipt.late_entry ? "补录。" : "");
          await queuePut(e);
        }
      }
    } catch (err) {
      say("网络中断，联网后将自动继续同步。", "warn");
    } finally {
      syncing = null;
      await renderQueue();
    }
  }

  async function logout() {
    if (!window.confirm("退出后本机的离线数据（包括尚未同步的记录）将被清除。确定退出？")) { return; }
    await wipe();
    var form = document.createElement("form");
    form.method = "post"; form.action = app.dataset.logout;
    var t = document.createElement("input"); t.type = "hidden"; t.name = "csrfmiddlewaretoken"; t.value = csrf();
    form.appendChild(t); document.body.appendChild(form); form.submit();
  }

  async function init() {
    app = $("field-app");
    if (!app) { return; }
    netState();
    if (!(window.crypto && crypto.subtle && window.indexedDB)) {
      say("此浏览器不支持离线加密存储（需 HTTPS），不能使用移动执法。", "error"); return;
    }
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(app.dataset.sw, { scope: app.dataset.scope }).catch(function () {});
    }
    db = await openDb();
    deviceId = await kvGet("device");
    if (!deviceId) { deviceId = crypto.randomUUID(); await kvPut("device", deviceId); }
    $("fm-device").textContent = deviceId;
    var online = navigator.onLine && await connect();
    if (!online && !key) { await loadOffline(); }
    renderTasks();
    await renderQueue();
    $("fm-files").addEventListener("change", onFiles);
    $("fm-activity").addEventListener("change", showKind);
    $("fm-geo").addEventListener("change", onGeo);
    Array.prototype.forEach.call(document.querySelectorAll(".fm-add"), function (b) {
      b.addEventListener("click", function () { addRow(b.dataset.rows); });
    });
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.addEventListener("message", onWorkerMessage);
      navigator.serviceWorker.startMessages();
    }
    if (window.Notification && window.SyncManager && Notification.permission === "default") {
      $("fm-notify-row").hidden = false;
      $("fm-notify").addEventListener("click", function () {
        Notification.requestPermission().then(function () { $("fm-notify-row").hidden = true; });
      });
    }
    $("fm-form").addEventListener("submit", onSave);
    $("fm-cancel").addEventListener("click", function () { $("fm-form-card").hidden = true; captured = []; });
    $("fm-sync").addEventListener("click", function () { sync(); });
    $("fm-logout").addEventListener("click", logout);
    window.addEventListener("online", async function () { netState(); if (await connect()) { renderTasks(); sync(); } });
    window.addEventListener("offline", netState);
    app.dataset.ready = "1";
    if (online) { sync(); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
