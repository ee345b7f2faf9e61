// Irreversible acts: forms with data-confirm ask before they are sent (no inline scripts: CSP).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var text = form && form.getAttribute && form.getAttribute("data-confirm");
  if (text && !window.confirm(text)) {
    event.preventDefault();
  }
});
