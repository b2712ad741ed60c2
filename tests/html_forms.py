"""Read a rendered HTML form back into POST data, so tests submit what a browser would."""

from bs4 import BeautifulSoup


def form_data(html: str, *, action_contains: str = "") -> dict:
    soup = BeautifulSoup(html, "html.parser")
    forms = [
        form
        for form in soup.find_all("form")
        if (form.get("method") or "").lower() == "post"
        and action_contains in (form.get("action") or "")
    ]
    form = max(forms, key=lambda f: len(f.find_all(["input", "textarea", "select"])))
    data: dict[str, object] = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.has_attr("disabled"):
            continue
        if field.name == "textarea":
            data[name] = field.text
        elif field.name == "select":
            chosen = [
                o.get("value", o.text) for o in field.find_all("option") if o.has_attr("selected")
            ]
            if field.has_attr("multiple"):
                data[name] = chosen
            elif chosen:
                data[name] = chosen[0]
            else:
                first = field.find("option")
                data[name] = first.get("value", "") if first else ""
        else:
            kind = (field.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "file"}:
                continue
            if kind in {"checkbox", "radio"}:
                if field.has_attr("checked"):
                    data.setdefault(name, []).append(field.get("value", "on"))
                continue
            data[name] = field.get("value", "")
    return data
