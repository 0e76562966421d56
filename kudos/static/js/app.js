// Kudos' own script (no inline scripts anywhere: the CSP forbids them).
// Polling elements marked data-poll-visible skip their request while the tab is hidden,
// so a forgotten tab costs nothing and nobody is "pinged" in the background.
document.addEventListener("htmx:beforeRequest", function (event) {
  var source = event.detail.elt;
  if (document.hidden && source && source.hasAttribute("data-poll-visible")) {
    event.preventDefault();
  }
});
// When the tab becomes visible again, refresh the polled elements at once.
document.addEventListener("visibilitychange", function () {
  if (!document.hidden && window.htmx) {
    document.querySelectorAll("[data-poll-visible]").forEach(function (element) {
      window.htmx.trigger(element, "kudos:visible");
    });
  }
});
// "Copy the link" buttons: data-copy names the field, data-copy-status the place that says
// it worked. The clipboard API where the page may use it, the selection's copy otherwise.
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-copy]") : null;
  if (!button) {
    return;
  }
  var field = document.getElementById(button.getAttribute("data-copy"));
  var status = document.getElementById(button.getAttribute("data-copy-status"));
  if (!field) {
    return;
  }
  var copied = function () {
    if (status) {
      status.textContent = button.getAttribute("data-copied");
    }
  };
  var bySelection = function () {
    field.focus();
    field.select();
    if (document.execCommand("copy")) {
      copied();
    }
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(copied, bySelection);
  } else {
    bySelection();
  }
});
// The welcome's time zone is filled in from the browser's own (the person can change it):
// a select marked data-browser-timezone takes it when it is one of the choices.
document.querySelectorAll("select[data-browser-timezone]").forEach(function (select) {
  var zone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && Array.prototype.some.call(select.options, function (o) { return o.value === zone; })) {
    select.value = zone;
  }
});
