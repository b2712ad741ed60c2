"""A parsed policy's sections as `PolicyPage.body` StreamField data (block type and value)."""

from cms.importer.parsed import PARAGRAPH_KINDS, Section


def _flat(section: Section) -> list[str]:
    return [item.text for item in section.items] + [
        sub for item in section.items for sub in item.subitems
    ]


def sections_to_stream(sections: list[Section]) -> list[dict]:
    stream = []
    for section in sections:
        if section.kind in PARAGRAPH_KINDS:
            value = {
                "heading": section.heading,
                "paragraphs": section.paragraphs or [item.text for item in section.items],
            }
        elif section.kind == "detailed_goals":
            value = {
                "heading": section.heading,
                "items": [{"text": i.text, "subitems": i.subitems} for i in section.items],
            }
        elif section.kind in {"channels", "tools"}:
            value = {"heading": section.heading, "items": _flat(section)}
        elif section.kind == "procedure":
            value = {"heading": section.heading, "steps": _flat(section)}
        else:
            value = {
                "heading": section.heading,
                "paragraphs": section.paragraphs,
                "items": _flat(section),
            }
        stream.append({"type": section.kind, "value": value})
    return stream
