"""Every key of the lesson in one table: it feeds the bindings, the footer, the `?` screen
and the command palette, so no key is listed twice or forgotten (as harlequin's
actions.py does).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

# The `?` screen shows the groups in this order.
GROUPS = ("step", "class", "jump", "pictures", "what-if", "export", "view")
GROUP_TITLES = {
    "step": "Step through the lesson",
    "class": "Ask the class: reveal and predict",
    "jump": "Jump to a place",
    "pictures": "Pictures: plots of the loss",
    "what-if": "What if? Change a number and see",
    "export": "Take the lesson away",
    "view": "What the screen shows",
}

# Which class implements the action (LessonScreen inherits LectureToolsScreen's; APP rows
# are the app's own, so they work whichever screen is on top).
LESSON, TOOLS, APP = "lesson", "tools", "app"


@dataclass(frozen=True)
class LessonAction:
    """One row: the keys that run an action and how the lesson speaks of it."""

    keys: str  # Textual key names, comma-separated: the first is shown in the footer
    action: str  # the action name ("app.quit" runs on the app)
    footer: str  # a word or two for the footer
    words: str  # what it does, in the lesson's words (palette, `?` screen, tooltip)
    group: str  # one of GROUPS
    key_name: str  # the keys as a person reads them: "space / → / l", "+ / ="
    show: bool = False  # in the footer (all that is shown must fit 80 columns)
    home: str = LESSON  # LESSON or TOOLS: the screen class whose BINDINGS it is in

    @property
    def id(self) -> str:
        return self.action.removeprefix("app.")


_a = LessonAction  # short, so that each row reads on a line or two


ACTIONS: tuple[LessonAction, ...] = (
    # -- step ---------------------------------------------------------------------------
    _a("space,right,l", "next", "Next", "Next step: the next number is computed",
       "step", "space / → / l", show=True),
    _a("left,h,backspace", "previous", "Back", "Previous step: the screen as it was",
       "step", "← / h / backspace", show=True),
    _a("p", "autoplay", "Play", "Autoplay: the lesson steps on by itself, or stops",
       "step", "p"),
    _a("plus,equals_sign", "faster", "Faster", "Autoplay faster", "step", "+ / ="),
    _a("minus", "slower", "Slower", "Autoplay slower", "step", "-"),
    # -- class --------------------------------------------------------------------------
    _a("m", "toggle_reveal", "Reveal",
       "Reveal mode: each step's numbers covered; Next uncovers one at a time, then "
       "moves on; Back covers them again", "class", "m"),
    _a("t", "predict", "Predict",
       "Predict, then check: type the number this step computes (the next step's if "
       "this one's is shown); the score shows in the header", "class", "t"),
    # -- jump ---------------------------------------------------------------------------
    _a("right_square_bracket", "next_phase", "Phase»",
       "Next phase: forward pass, loss, backward pass, weight update", "jump", "]",
       show=True),
    _a("left_square_bracket", "previous_phase", "«Phase",
       "Previous phase: back to where this phase began", "jump", "["),
    _a("right_curly_bracket", "next_iteration", "Iter»",
       "Next iteration: on to the next weight update", "jump", "}", show=True),
    _a("left_curly_bracket", "previous_iteration", "«Iter",
       "Previous iteration: back to the last weight update", "jump", "{"),
    _a("home", "start", "Start", "First step of the lesson", "jump", "home"),
    _a("end", "end", "End", "Last step: the end of training", "jump", "end"),
    _a("r", "restart", "Restart", "Start again: the first step, autoplay stopped",
       "jump", "r"),
    _a("g", "goto", "Go to",
       "Go to a step number, a phase, an iteration or a bookmark", "jump", "g", show=True),
    _a("b", "bookmarks", "Bookmarks", "Jump to one of the scenario's bookmarks",
       "jump", "b", home=TOOLS),
    # -- pictures -----------------------------------------------------------------------
    _a("v", "cycle_plot", "Plot",
       "Show a plot: loss history, loss against the selected weight (its tangent, the "
       "step downhill), the loss landscape over two weights, or none",
       "pictures", "v"),
    _a("w", "next_plot_weight", "Weight",
       "Plot the loss against the next weight (and select it for e)", "pictures", "w"),
    _a("W", "next_plot_weight_b", "Weight 2",
       "Loss landscape: change the second weight", "pictures", "W"),
    _a("L", "toggle_log_scale", "Log", "Loss history on a log scale, or back",
       "pictures", "L"),
    _a("z", "zoom_plot", "Full plot",
       "The plot takes the whole screen below the formula, and back", "pictures", "z"),
    # -- what-if ------------------------------------------------------------------------
    _a("e", "edit_weight", "Edit w",
       "What if this weight were different? Type a new value for the selected weight; "
       "the run is recomputed from the start of this iteration",
       "what-if", "e", home=TOOLS),
    _a("a", "edit_learning_rate", "Rate",
       "What if the learning rate were different? Change it from this iteration on",
       "what-if", "a", home=TOOLS),
    _a("u", "use_file_values", "File values",
       "Undo the what-ifs: back to the scenario file's values", "what-if", "u",
       home=TOOLS),
    # -- export -------------------------------------------------------------------------
    _a("s", "screenshot", "Screenshot",
       "Save this screen as an SVG picture in the current folder (served: a browser "
       "download)", "export", "s", home=TOOLS),
    _a("H", "handout", "Handout",
       "Save the whole lesson as a Markdown handout (served: a browser download)",
       "export", "H", home=TOOLS),
    # -- classroom ----------------------------------------------------------------------
    _a("f", "follow_again", "Follow",
       "Following a lecturer: after stepping on your own, follow the lecturer again",
       "step", "f", home=APP),
    # -- view ---------------------------------------------------------------------------
    _a("d", "cycle_decimals", "Decimals", "More or fewer decimals in every number",
       "view", "d", home=TOOLS),
    _a("c", "toggle_gradient_check", "Check",
       "Gradient check: a finite-difference estimate beside each slope",
       "view", "c", home=TOOLS),
    _a("A", "toggle_animation", "Animation",
       "Animation on or off (stepping never waits for it)", "view", "A", home=TOOLS),
    _a("n", "toggle_narration", "Notes",
       "Hide the narration to give the network its room, or show it again", "view", "n"),
    _a("pagedown,j", "narration_down", "Read on", "Scroll the narration down a page",
       "view", "pgdn / j"),
    _a("pageup,k", "narration_up", "Read back", "Scroll the narration up a page",
       "view", "pgup / k"),
    _a("escape", "clear_details", "Clear",
       "Hide the details of the node or weight you clicked", "view", "escape"),
    _a("question_mark", "toggle_help", "Keys", "These keys and what they do",
       "view", "?", show=True),
    _a("q", "app.quit", "Quit", "Quit backprop-tui", "view", "q", show=True),
)  # fmt: skip


def rows(group: str | None = None, home: str | None = None) -> list[LessonAction]:
    """The table's rows, in order; only one group's or one screen class's if asked."""
    return [
        row
        for row in ACTIONS
        if (group is None or row.group == group) and (home is None or row.home == home)
    ]


def bindings(home: str) -> list[Binding]:
    """The BINDINGS of one screen class (LESSON or TOOLS), built from the table."""
    return [
        Binding(
            row.keys,
            row.action,
            row.footer,
            show=row.show,
            id=row.id,
            tooltip=row.words,
        )
        for row in rows(home=home)
    ]


def markdown_table() -> str:
    """The table as the README shows it (a test keeps the two the same)."""
    lines = ["| keys | group | what it does |", "|---|---|---|"]
    for group in GROUPS:
        for row in rows(group):
            lines.append(f"| {row.key_name} | {group} | {row.words} |")
    return "\n".join(lines) + "\n"
