// Arabic fields are written right to left and English ones left to right, whatever the admin's own language.
(function () {
    "use strict";
    const DIRECTIONS = { ar: "rtl", en: "ltr" };

    function fieldLanguage(name) {
        const match = /_(ar|en)$/.exec(name || "");
        return match ? match[1] : null;
    }

    function applyDirections(root) {
        root.querySelectorAll("input[name], textarea[name], select[name]").forEach(function (input) {
            const language = fieldLanguage(input.name);
            if (!language) {
                return;
            }
            const wrapper = input.closest("[data-field-wrapper], .w-field__wrapper") || input.parentElement;
            [input, wrapper].forEach(function (element) {
                if (element && !element.hasAttribute("data-sila-dir")) {
                    element.setAttribute("dir", DIRECTIONS[language]);
                    element.setAttribute("lang", language);
                    element.setAttribute("data-sila-dir", language);
                }
            });
        });
    }

    document.addEventListener("DOMContentLoaded", function () {
        applyDirections(document);
        new MutationObserver(function () {
            applyDirections(document);
        }).observe(document.body, { childList: true, subtree: true });
    });
})();
