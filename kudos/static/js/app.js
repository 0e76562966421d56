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
