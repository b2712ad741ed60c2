// Opening a link to one answer (#how-to-apply) opens that answer. Without JavaScript the
// question is still shown and focused; the reader opens it with one click.
(function () {
    "use strict";
    function openTarget() {
        var id = decodeURIComponent(window.location.hash.slice(1));
        var target = id && document.getElementById(id);
        if (target && target.tagName === "DETAILS") {
            target.open = true;
            target.querySelector("summary").focus();
        }
    }
    window.addEventListener("hashchange", openTarget);
    document.addEventListener("DOMContentLoaded", openTarget);
})();
