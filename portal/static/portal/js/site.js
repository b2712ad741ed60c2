// Small enhancements of the public site; every page works without them.
// - The menu and the search box fold behind buttons on narrow screens.
// - A form returned with errors moves focus to its error summary.
// - A stepped form is saved as it is filled in (forms with data-autosave).
(function () {
    "use strict";

    function setUpToggles() {
        var buttons = document.querySelectorAll("[data-toggles]");
        Array.prototype.forEach.call(buttons, function (button) {
            var target = document.getElementById(button.getAttribute("data-toggles"));
            if (!target) { return; }
            if (button.tagName === "A") {
                button.setAttribute("role", "button");
                button.setAttribute("aria-expanded", "false");
            }
            button.hidden = false;
            target.classList.add("is-collapsible");
            button.addEventListener("click", function (event) {
                event.preventDefault();
                var open = button.getAttribute("aria-expanded") !== "true";
                button.setAttribute("aria-expanded", open ? "true" : "false");
                target.classList.toggle("is-open", open);
                if (open) {
                    var field = target.querySelector("input, a");
                    if (field) { field.focus(); }
                }
            });
        });
    }

    function focusErrorSummary() {
        var summary = document.querySelector(".error-summary");
        if (summary) {
            summary.focus();
            summary.scrollIntoView();
        }
    }

    function setUpAutosave() {
        var form = document.querySelector("form[data-autosave]");
        if (!form || !window.fetch || !window.FormData) { return; }
        var timer = null;
        var changed = false;  // nothing typed: nothing to save (no draft for a mere visit)
        var status = document.getElementById("autosave-status");
        function save() {
            if (!changed) { return; }
            changed = false;
            var data = new FormData(form);
            data.set("action", "autosave");
            Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
                data.delete(input.name);
            });
            fetch(form.getAttribute("action") || window.location.href, {
                method: "POST",
                body: data,
                credentials: "same-origin",
                keepalive: true,
                headers: {"X-Requested-With": "fetch"}
            }).then(function (response) {
                if (response.ok && status) { status.textContent = status.getAttribute("data-saved"); }
            }).catch(function () { /* the next change or the Continue button saves again */ });
        }
        function later() {
            changed = true;
            window.clearTimeout(timer);
            timer = window.setTimeout(save, 800);
        }
        form.addEventListener("input", later);
        form.addEventListener("change", later);
        form.addEventListener("submit", function () { changed = false; window.clearTimeout(timer); });
        document.addEventListener("visibilitychange", function () {
            if (document.visibilityState === "hidden") { window.clearTimeout(timer); save(); }
        });
    }

    document.addEventListener("DOMContentLoaded", function () {
        document.documentElement.classList.add("js");
        setUpToggles();
        focusErrorSummary();
        setUpAutosave();
    });
})();
