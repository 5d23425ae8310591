/* Draft autosave for long forms (progressive enhancement: without this script the form and
   its "Enregistrer le brouillon" button work the same). A form marked data-autosave is sent
   in the background a moment after the person stops typing, as if its draft button (marked
   data-autosave-button) had been pressed, with the X-Autosave header so the server answers
   in JSON and never submits; the answer is read out by the data-autosave-status region. */
(function () {
  "use strict";
  var DELAY_MS = 2500;
  var FAILED = "Brouillon non enregistré automatiquement\u00a0: utilisez le bouton «\u00a0Enregistrer le brouillon\u00a0».";

  function fields(form, button) {
    /* Text values only: files are never sent in the background. */
    var data = new FormData();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") {
        data.append(name, value);
      }
    });
    data.append(button.name, button.value);
    return data;
  }

  function fingerprint(data) {
    var parts = [];
    data.forEach(function (value, name) {
      parts.push(encodeURIComponent(name) + "=" + encodeURIComponent(value));
    });
    return parts.join("&");
  }

  function start(form) {
    var button = form.querySelector("[data-autosave-button]");
    var status = form.querySelector("[data-autosave-status]");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!button || !status || !token || !window.fetch || !window.FormData) {
      return;
    }
    var timer = null;
    var busy = false;
    var again = false;
    var stopped = false;
    var saved = fingerprint(fields(form, button));

    function save() {
      if (stopped) {
        return;
      }
      if (busy) {
        again = true;
        return;
      }
      var data = fields(form, button);
      var print = fingerprint(data);
      if (print === saved) {
        return;
      }
      busy = true;
      /* Not form.action: the form's buttons are named "action", which shadows it. */
      fetch(form.getAttribute("action") || window.location.href, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Autosave": "1", "X-CSRFToken": token.value }
      })
        .then(function (response) {
          return response.json().then(function (answer) {
            if (response.ok && answer.saved) {
              saved = print;
            }
            status.textContent = answer.message || FAILED;
          });
        })
        .catch(function () {
          status.textContent = FAILED;
        })
        .then(function () {
          busy = false;
          if (again) {
            again = false;
            schedule();
          }
        });
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, DELAY_MS);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    /* A real submit takes over: no background save after it. */
    form.addEventListener("submit", function () {
      stopped = true;
      window.clearTimeout(timer);
    });
  }

  function init() {
    document.querySelectorAll("form[data-autosave]").forEach(start);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
