"""StreamField blocks for a policy's body: one typed block per section of the policy skeleton.

Every section can list its text as plain lines (`section_lines`), which the difference view,
site search and the API share, so the three always agree on what a section says.
"""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks


class GoalItemBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("item"))
    subitems = blocks.ListBlock(
        blocks.TextBlock(label=_("sub-item")), min_num=0, label=_("sub-items")
    )

    class Meta:
        label = _("goal")
        icon = "list-ol"


class SectionBlock(blocks.StructBlock):
    """A section with an optional heading; the kind gives a default heading and a stable anchor."""

    heading = blocks.CharBlock(
        required=False,
        max_length=255,
        label=_("heading"),
        help_text=_("Leave empty to use the standard heading of this section."),
    )

    kind = ""
    default_heading = ""

    def heading_text(self, value) -> str:
        return value.get("heading") or str(self.default_heading)

    def lines(self, value) -> list[str]:
        raise NotImplementedError

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["heading"] = self.heading_text(value)
        context["kind"] = self.kind
        return context


class ParagraphsSectionBlock(SectionBlock):
    paragraphs = blocks.ListBlock(blocks.TextBlock(label=_("paragraph")), label=_("paragraphs"))

    def lines(self, value) -> list[str]:
        return [str(p) for p in value["paragraphs"]]


class PreambleBlock(ParagraphsSectionBlock):
    kind = "preamble"
    default_heading = _("Preamble")

    class Meta:
        label = _("Preamble")
        icon = "doc-full"
        template = "cms/blocks/paragraphs_section.html"


class GeneralGoalBlock(ParagraphsSectionBlock):
    kind = "general-goal"
    default_heading = _("General goal")

    class Meta:
        label = _("General goal")
        icon = "pick"
        template = "cms/blocks/paragraphs_section.html"


class DetailedGoalsBlock(SectionBlock):
    kind = "detailed-goals"
    default_heading = _("Detailed goals")
    items = blocks.ListBlock(GoalItemBlock(), label=_("goals"))

    class Meta:
        label = _("Detailed goals")
        icon = "list-ol"
        template = "cms/blocks/goals_section.html"

    def lines(self, value) -> list[str]:
        lines = []
        for number, item in enumerate(value["items"], start=1):
            lines.append(f"{number}. {item['text']}")
            lines += [
                f"{number}.{sub}. {text}" for sub, text in enumerate(item["subitems"], start=1)
            ]
        return lines


class ListSectionBlock(SectionBlock):
    items = blocks.ListBlock(blocks.CharBlock(max_length=500, label=_("item")), label=_("items"))

    def lines(self, value) -> list[str]:
        return [f"{n}. {item}" for n, item in enumerate(value["items"], start=1)]


class ChannelsBlock(ListSectionBlock):
    kind = "channels"
    default_heading = _("Communication channels")

    class Meta:
        label = _("Communication channels")
        icon = "mail"
        template = "cms/blocks/list_section.html"


class ToolsBlock(ListSectionBlock):
    kind = "tools"
    default_heading = _("Tools of the beneficiary-relations officer")

    class Meta:
        label = _("Tools of the beneficiary-relations officer")
        icon = "cog"
        template = "cms/blocks/list_section.html"


class ProcedureBlock(SectionBlock):
    kind = "procedure"
    default_heading = _("Handling procedure")
    steps = blocks.ListBlock(blocks.TextBlock(label=_("step")), label=_("steps"))

    class Meta:
        label = _("Handling procedure")
        icon = "order"
        template = "cms/blocks/procedure_section.html"

    def lines(self, value) -> list[str]:
        return [f"{n}. {step}" for n, step in enumerate(value["steps"], start=1)]


class FreeSectionBlock(SectionBlock):
    kind = "section"
    default_heading = _("Section")
    paragraphs = blocks.ListBlock(
        blocks.TextBlock(label=_("paragraph")), min_num=0, label=_("paragraphs")
    )
    items = blocks.ListBlock(blocks.TextBlock(label=_("item")), min_num=0, label=_("list items"))

    class Meta:
        label = _("Free section")
        icon = "doc-empty"
        template = "cms/blocks/free_section.html"

    def lines(self, value) -> list[str]:
        return [str(p) for p in value["paragraphs"]] + [f"- {item}" for item in value["items"]]


class PolicySectionsBlock(blocks.StreamBlock):
    preamble = PreambleBlock()
    general_goal = GeneralGoalBlock()
    detailed_goals = DetailedGoalsBlock()
    channels = ChannelsBlock()
    tools = ToolsBlock()
    procedure = ProcedureBlock()
    section = FreeSectionBlock()

    class Meta:
        block_counts = {
            "preamble": {"max_num": 1},
            "general_goal": {"max_num": 1},
            "detailed_goals": {"max_num": 1},
            "channels": {"max_num": 1},
            "tools": {"max_num": 1},
            "procedure": {"max_num": 1},
        }


def section_entries(stream_value) -> list[dict]:
    """The sections of a policy body in order: kind, anchor, heading, lines, and the bound block.

    Anchors are stable across versions and languages: the kind for the standard sections
    (`#procedure`), `#section-N` for the N-th free section.
    """
    entries = []
    free_count = 0
    for child in stream_value or []:
        block = child.block
        if not isinstance(block, SectionBlock):
            continue
        if block.kind == "section":
            free_count += 1
            anchor = f"section-{free_count}"
        else:
            anchor = block.kind
        entries.append(
            {
                "kind": block.kind,
                "block_type": child.block_type,
                "anchor": anchor,
                "heading": block.heading_text(child.value),
                "lines": block.lines(child.value),
                "child": child,
            }
        )
    return entries
