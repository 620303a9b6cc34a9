// Progressive enhancement for the lesson player: answers are sent with fetch and the server's
// rendered feedback replaces the question in place. Without JavaScript the same forms post and
// redirect back to the question.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-lms-answer]");
    if (!form || !window.fetch || !window.DOMParser) {
      return;
    }
    event.preventDefault();
    var section = form.closest("[data-lms-question]");
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
    }
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-LMS-Fragment": "1" },
    })
      .then(function (response) {
        return response.text().then(function (html) {
          return { ok: response.status < 500, html: html };
        });
      })
      .then(function (result) {
        var fresh = new DOMParser()
          .parseFromString(result.html, "text/html")
          .querySelector("[data-lms-question]");
        if (!result.ok || !fresh) {
          form.submit();
          return;
        }
        section.querySelectorAll("[data-lms-swap]").forEach(function (part) {
          var replacement = fresh.querySelector('[data-lms-swap="' + part.dataset.lmsSwap + '"]');
          if (replacement) {
            part.replaceWith(replacement);
          }
        });
        var live = section.querySelector("[data-lms-live]");
        var freshLive = fresh.querySelector("[data-lms-live]");
        if (live && freshLive) {
          live.innerHTML = freshLive.innerHTML;
        }
        var error = section.querySelector("[role=alert]");
        var next = section.querySelector(
          "form[data-lms-answer] input:not([type=hidden]), form[data-lms-answer] select"
        );
        if (error && next) {
          next.focus();
        } else if (live && live.textContent.trim()) {
          live.focus();
        }
      })
      .catch(function () {
        form.submit();
      });
  });
})();
