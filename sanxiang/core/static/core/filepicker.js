// File inputs in Chinese (issue #13 item 9): the browser draws <input type=file> in its own
// UI language ("Choose File / No file chosen" on an English Chromium). Each file input is
// wrapped in a label showing 「选择文件」 and the chosen file name or 「未选择文件」; the input
// itself stays in the page, visually hidden but focusable, so Tab, Space/Enter, the label's
// click, form validation and scripts reading input.files work as before. Without this
// script the native input is shown (progressive enhancement). No inline script: CSP.
// Texts may be set per input with data-choose / data-none.
(function () {
  "use strict";
  var CHOOSE = "选择文件";
  var NONE = "未选择文件";
  var valueProp = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value");
  var counter = 0;

  function describe(input) {
    var files = input.files ? Array.prototype.map.call(input.files, function (f) { return f.name; }) : [];
    if (!files.length) return input.getAttribute("data-none") || NONE;
    if (files.length === 1) return files[0];
    return "已选择 " + files.length + " 个文件：" + files.join("、");
  }

  function enhance(input) {
    if (input.getAttribute("data-filepick") === "1") return;
    input.setAttribute("data-filepick", "1");
    // an input already inside a <label> keeps that label (labels do not nest)
    var wrapper = document.createElement(input.closest("label") ? "span" : "label");
    wrapper.className = "filepick";
    var button = document.createElement("span");
    button.className = "filepick-button";
    button.setAttribute("aria-hidden", "true");
    button.textContent = input.getAttribute("data-choose") || CHOOSE;
    var name = document.createElement("span");
    name.className = "filepick-name";
    name.id = "filepick-name-" + (++counter);
    // the chosen name is read out with the field (its description), the button is not:
    // the field is already named by its own label
    name.setAttribute("aria-live", "polite");
    var described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", (described ? described + " " : "") + name.id);
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    wrapper.appendChild(button);
    wrapper.appendChild(name);
    input.classList.add("filepick-input");

    function update() {
      name.textContent = describe(input);
      wrapper.classList.toggle("filepick-chosen", !!(input.files && input.files.length));
    }
    input.addEventListener("change", update);
    input.addEventListener("input", update);
    if (input.form) {
      input.form.addEventListener("reset", function () { window.setTimeout(update, 0); });
    }
    // pages that clear the field after reading it (input.value = "") fire no event
    if (valueProp && valueProp.set) {
      try {
        Object.defineProperty(input, "value", {
          configurable: true,
          get: function () { return valueProp.get.call(this); },
          set: function (v) { valueProp.set.call(this, v); update(); },
        });
      } catch (e) { /* the page keeps working; the name updates on the next change */ }
    }
    update();
  }

  function enhanceAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("input[type=file]")) enhance(scope);
    Array.prototype.forEach.call(scope.querySelectorAll("input[type=file]"), enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  } else {
    enhanceAll(document);
  }
  // content swapped in by htmx
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.target); });
})();
