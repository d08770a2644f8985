"""Worksheet components: the ':::' syntax, its options and its error messages."""

from __future__ import annotations

from generator.core.components import Component, split_body


def parse(body: str):
    segments, problems = split_body("w.md", body, 10)
    return segments, [str(p) for p in problems]


def components(body: str) -> list[Component]:
    segments, problems = parse(body)
    assert problems == []
    return [s for s in segments if isinstance(s, Component)]


def test_text_and_components_keep_their_order():
    segments, problems = parse("Intro\n\n::: lines 4\nWhat do I need?\n:::\n\nOutro")
    assert problems == []
    assert segments[0] == "Intro\n"
    assert segments[1] == Component("lines", 12, {"count": 4}, "What do I need?")
    assert segments[2] == "\nOutro"


def test_defaults_and_named_options():
    box, scale = components(
        '::: box\n:::\n::: scale left="Never" right="Every day"\nHow often?\n:::'
    )
    assert box.options == {"count": 5}
    assert scale.options == {"left": "Never", "right": "Every day"}
    assert scale.prompt == "How often?"


def test_checklist_items_and_instruction():
    (checklist,) = components("::: checklist\nTick what fits.\n- One\n- Two\n:::")
    assert checklist.prompt == "Tick what fits."
    assert checklist.items == ("One", "Two")


def test_unknown_component_lists_the_known_ones():
    _, problems = parse("::: slider\n:::")
    assert problems == [
        "w.md: line 10: unknown component 'slider'; expected one of box, checklist, "
        "journey-map, key-points, lines, log, measure, network-map, scale, table"
    ]


def test_unclosed_component():
    _, problems = parse("Text\n::: lines 3\nPrompt")
    assert problems == [
        "w.md: line 11: component 'lines' is not closed: expected a line with only ':::'"
    ]


def test_stray_closing_line():
    _, problems = parse("Text\n:::\n")
    assert problems == ["w.md: line 11: ':::' closes no component"]


def test_bad_options_are_all_reported():
    _, problems = parse('::: lines 40 colour=red\n:::\n::: scale left="unclosed\n:::')
    assert problems == [
        "w.md: line 10: component 'lines': option 'count': expected a whole number from 1 to 20, "
        "got '40'",
        "w.md: line 10: component 'lines': unknown option 'colour'; expected count=...",
        "w.md: line 12: component 'scale': a quotation mark is not closed",
    ]


def test_checklist_needs_items():
    _, problems = parse("::: checklist\nNo items here\n:::")
    assert problems == [
        "w.md: line 10: component 'checklist': expected 1 to 15 items, each on a line starting "
        "with '- ', got 0"
    ]


def test_text_after_items_is_a_problem():
    _, problems = parse("::: checklist\n- One\nstray\n:::")
    assert problems == [
        "w.md: line 10: component 'checklist': expected every line after the first item to "
        "start with '- ', got 'stray'"
    ]


def test_table_columns_and_rows():
    (table,) = components("::: table rows=3\nFill in both.\n- What I offer\n- What I need\n:::")
    assert table.options == {"rows": 3}
    assert table.prompt == "Fill in both."
    assert table.items == ("What I offer", "What I need")


def test_log_days_by_position_and_default():
    short, default = components("::: log 5\n- Asked\n:::\n::: log\n- Asked\n- Who\n:::")
    assert short.options == {"days": 5}
    assert default.options == {"days": 7}
    assert default.items == ("Asked", "Who")


def test_table_and_log_column_counts_are_checked():
    _, problems = parse("::: table\n- Only one\n:::\n::: log days=15\n:::")
    assert problems == [
        "w.md: line 10: component 'table': expected 2 to 4 column headings, each on a line "
        "starting with '- ', got 1",
        "w.md: line 13: component 'log': option 'days': expected a whole number from 1 to 14, "
        "got '15'",
        "w.md: line 13: component 'log': expected 1 to 4 column headings, each on a line "
        "starting with '- ', got 0",
    ]


def test_network_map_labels_have_defaults_and_a_length_limit():
    (default,) = components("::: network-map\n:::")
    assert default.options == {"inner": "Closest people", "outer": "Wider circle"}
    _, problems = parse(f'::: network-map inner="{"x" * 25}"\n:::')
    assert problems == [
        "w.md: line 10: component 'network-map': option 'inner': expected at most 24 characters, "
        "got 25"
    ]
